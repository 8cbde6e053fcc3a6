"""Thin views: parse the request, call one service or selector, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courseware.errors import ApplicationError
from grading import selectors, services
from grading.models import Exercise, Submission

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _exercise(course_slug: str, slug: str) -> Exercise:
    try:
        return selectors.exercise_get(course_slug=course_slug, slug=slug)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise") from None


@login_required
def exercise_detail(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submissions = selectors.submissions_for_learner(user=request.user, exercise=exercise)
    drafts = dict(exercise.starter_code)
    if submissions:
        drafts.update({k: v for k, v in submissions[0].answers.items() if k in drafts})
    queue, queue_message = services.queue_for(exercise)
    return render(
        request,
        "grading/exercise.html",
        {
            "exercise": exercise,
            "drafts": drafts.items(),
            "submissions": [(s, selectors.latest_run(s)) for s in submissions],
            "hints": selectors.hints_revealed(user=request.user, exercise=exercise),
            "queue_message": queue_message,
        },
    )


@login_required
@require_POST
def submission_create(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    upload = request.FILES.get("notebook")
    try:
        if upload is not None:
            if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
                raise ApplicationError("The notebook is larger than 2 MB.")
            submission = services.submission_create(
                user=request.user, exercise=exercise, notebook=upload.read()
            )
        else:
            code = {
                grade_id: request.POST.get(f"code-{grade_id}", "")
                for grade_id in exercise.starter_code
            }
            submission = services.submission_create(user=request.user, exercise=exercise, code=code)
    except ApplicationError as error:
        messages.error(request, str(error))
        response = exercise_detail(request, course_slug, slug)
        response.status_code = error.status_code
        return response
    return redirect("grading:submission", course_slug=course_slug, slug=slug, pk=submission.pk)


def _own_submission(request: HttpRequest, exercise: Exercise, pk: int) -> Submission:
    submission = get_object_or_404(Submission, pk=pk, exercise=exercise)
    if submission.user_id != request.user.pk and not request.user.is_staff:
        raise Http404("No such submission")
    return submission


@login_required
def submission_detail(request: HttpRequest, course_slug: str, slug: str, pk: int) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submission = _own_submission(request, exercise, pk)
    runs = list(submission.runs.order_by("-number"))
    latest = runs[0] if runs else None
    return render(
        request,
        "grading/submission.html",
        {
            "exercise": exercise,
            "submission": submission,
            "run": latest,
            "history": runs[1:],
            "pending": latest is not None and not latest.is_finished,
            "place": selectors.run_place(latest) if latest is not None else None,
        },
    )


@login_required
@require_POST
def hint_reveal(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    services.hint_reveal_next(user=request.user, exercise=exercise)
    return redirect(f"/exercises/{course_slug}/{slug}/#hints")


@login_required
def release_download(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    response = HttpResponse(
        json.dumps(exercise.release_notebook, indent=1), content_type="application/x-ipynb+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}.ipynb"'
    return response


@staff_member_required
@require_POST
def submission_regrade(request: HttpRequest, course_slug: str, slug: str, pk: int) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submission = get_object_or_404(Submission, pk=pk, exercise=exercise)
    fresh_seed = request.POST.get("fresh_seed") == "on"
    services.submission_regrade(submission=submission, fresh_seed=fresh_seed)
    seed = "a fresh seed" if fresh_seed else "the same seed"
    messages.success(request, f"Regrade queued with {seed}; earlier results stay in the history.")
    return redirect("grading:submission", course_slug=course_slug, slug=slug, pk=pk)


@staff_member_required
@require_POST
def exercise_regrade(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    count = services.exercise_regrade_all(
        exercise=exercise, fresh_seed=request.POST.get("fresh_seed") == "on"
    )
    messages.success(request, f"{count} submissions queued for regrading.")
    return redirect("grading:instructor_submissions", course_slug=course_slug, slug=slug)


@staff_member_required
def instructor_submissions(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submissions = (
        Submission.objects.filter(exercise=exercise)
        .select_related("user")
        .prefetch_related("runs")
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "grading/instructor_submissions.html",
        {
            "exercise": exercise,
            "submissions": [(s, selectors.latest_run(s)) for s in submissions],
        },
    )
