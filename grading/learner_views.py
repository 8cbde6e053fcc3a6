"""The learner's tools around the editor: run the visible tests, compare two submissions,
restore one into the editor, reset to the starter code. Thin views over services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from courseware.errors import ApplicationError
from grading import draft_actions, practice, selectors
from grading.diffing import code_diff
from grading.models import Exercise, PracticeRun, Submission


def _exercise(course_slug: str, slug: str) -> Exercise:
    try:
        return selectors.exercise_get(course_slug=course_slug, slug=slug)
    except Exercise.DoesNotExist:
        raise Http404(gettext("No such exercise")) from None


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _exercise_url(exercise: Exercise, anchor: str = "") -> str:
    url = reverse("grading:exercise", args=[exercise.module.course.slug, exercise.slug])
    return f"{url}#{anchor}" if anchor else url


def practice_context(request: HttpRequest, run: PracticeRun | None) -> dict[str, Any]:
    """What the exercise page's result block needs for a practice run (also its live status)."""
    return {
        "run": run,
        "practice": True,
        "pending": run is not None and not run.is_finished,
        "place": selectors.practice_place(run) if run is not None else None,
        "teaching_staff": False,
    }


def _practice_status(request: HttpRequest, run: PracticeRun) -> dict[str, Any]:
    context = practice_context(request, run)
    html = render_to_string("grading/_run_result.html", context, request=request)
    place = context["place"]
    return {
        "status": run.status,
        "status_display": run.get_status_display(),
        "finished": run.is_finished,
        "place": place.as_json() if place is not None else None,
        "elapsed_seconds": selectors.run_elapsed_seconds(run, now=timezone.now()),
        "limit_seconds": run.exercise.wall_seconds,
        "html": html,
        "status_url": reverse(
            "grading:practice_status",
            args=[run.exercise.module.course.slug, run.exercise.slug, run.pk],
        ),
    }


@login_required
@require_POST
def practice_run_create(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    """ "Run the visible tests": the answer form's code, posted by its second button (or by the
    page's script, which asks for JSON and then polls the run's status)."""
    exercise = _exercise(course_slug, slug)
    code = {key: request.POST.get(f"code-{key}", "") for key in exercise.starter_code}
    try:
        run = practice.practice_run_create(
            user=selectors.signed_in(request.user), exercise=exercise, code=code
        )
    except ApplicationError as error:
        if _wants_json(request):
            return JsonResponse({"error": error.message}, status=error.status_code)
        messages.error(request, error.message)
        return redirect(_exercise_url(exercise, "submit"))
    if _wants_json(request):
        run.exercise = exercise
        return JsonResponse(_practice_status(request, run), status=202)
    return redirect(_exercise_url(exercise, "practice"))


@login_required
def practice_status(request: HttpRequest, course_slug: str, slug: str, pk: int) -> JsonResponse:
    exercise = _exercise(course_slug, slug)
    try:
        run = selectors.practice_get(
            user=selectors.signed_in(request.user), exercise=exercise, pk=pk
        )
    except PracticeRun.DoesNotExist:
        raise Http404(gettext("No such run")) from None
    run.exercise = exercise
    response = JsonResponse(_practice_status(request, run))
    response["Cache-Control"] = "no-store"
    return response


def _pk(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404(gettext("Choose two submissions to compare")) from None


@login_required
def submissions_compare(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    """The changes from one submission (`old`) to another (`new`), line by line."""
    exercise = _exercise(course_slug, slug)
    try:
        old, new = selectors.submissions_to_compare(
            user=selectors.signed_in(request.user),
            exercise=exercise,
            old_pk=_pk(request.GET.get("old")),
            new_pk=_pk(request.GET.get("new")),
        )
    except Submission.DoesNotExist:
        raise Http404(gettext("No such submission")) from None
    return render(
        request,
        "grading/compare.html",
        {
            "exercise": exercise,
            "old": old,
            "new": new,
            "cells": code_diff(old=old.answers, new=new.answers),
            "own": old.user_id == request.user.pk and new.user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def submission_restore(request: HttpRequest, course_slug: str, slug: str, pk: int) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submission = get_object_or_404(
        Submission, pk=pk, exercise=exercise, user=selectors.signed_in(request.user)
    )
    draft_actions.draft_restore_submission(
        user=selectors.signed_in(request.user), submission=submission
    )
    messages.success(
        request,
        gettext("The code of submission %(pk)s is back in the editor (as your draft).")
        % {"pk": submission.pk},
    )
    return redirect(_exercise_url(exercise, "submit"))


@login_required
def starter_reset(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    """GET asks for confirmation (a page of its own, so it works without a script); POST resets."""
    exercise = _exercise(course_slug, slug)
    if request.method != "POST":
        return render(request, "grading/reset_confirm.html", {"exercise": exercise})
    try:
        draft_actions.draft_reset_to_starter(
            user=selectors.signed_in(request.user), exercise=exercise
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_exercise_url(exercise, "submit"))
    messages.success(
        request,
        gettext("The editor holds the starter code again. Your submissions are all still here."),
    )
    return redirect(_exercise_url(exercise, "submit"))
