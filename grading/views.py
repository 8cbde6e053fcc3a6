"""Thin views: parse the request, call one service or selector, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from courseware.errors import ApplicationError
from courseware.permissions import teaching_staff_required
from courseware.selectors.roster import teaches_course
from grading import selectors, services
from grading.comments import submission_comments
from grading.models import Exercise, GradingRun, Submission
from grading.notebooks import MAX_ANSWER_BYTES

# A draft request carries every answer cell; JSON may spell one byte of code in up to six
# (\u0001), so this bounds the body before it is parsed, whatever the cells hold.
MAX_DRAFT_BODY_PER_CELL = 6 * MAX_ANSWER_BYTES + 1024


def _exercise(course_slug: str, slug: str) -> Exercise:
    try:
        return selectors.exercise_get(course_slug=course_slug, slug=slug)
    except Exercise.DoesNotExist:
        raise Http404(gettext("No such exercise")) from None


@login_required
def exercise_detail(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submissions = selectors.submissions_for_learner(
        user=selectors.signed_in(request.user), exercise=exercise
    )
    drafts = selectors.answers_to_show(
        user=selectors.signed_in(request.user), exercise=exercise, submissions=submissions
    )
    queue, queue_message = selectors.queue_for(exercise)
    practice_run = selectors.practice_latest(
        user=selectors.signed_in(request.user), exercise=exercise
    )
    return render(
        request,
        "grading/exercise.html",
        {
            "exercise": exercise,
            "drafts": drafts.items(),
            "submissions": [(s, selectors.latest_run(s)) for s in submissions],
            "hints": selectors.hints_revealed(
                user=selectors.signed_in(request.user), exercise=exercise
            ),
            "queue_message": queue_message,
            "teaching_staff": teaches_course(user=request.user, course=exercise.module.course),
            "has_visible_tests": selectors.exercise_has_visible_tests(exercise=exercise),
            "next_exercise": selectors.exercise_next(exercise=exercise),
            "practice_run": practice_run,
            "practice_pending": practice_run is not None and not practice_run.is_finished,
            "practice_place": (
                selectors.practice_place(practice_run) if practice_run is not None else None
            ),
        },
    )


@login_required
@require_POST
def submission_create(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    upload = request.FILES.get("notebook")
    try:
        if upload is not None:
            submission = services.submission_create(
                user=selectors.signed_in(request.user), exercise=exercise, notebook=upload.read()
            )
        else:
            code = {
                grade_id: request.POST.get(f"code-{grade_id}", "")
                for grade_id in exercise.starter_code
            }
            submission = services.submission_create(
                user=selectors.signed_in(request.user), exercise=exercise, code=code
            )
    except ApplicationError as error:
        messages.error(request, str(error))
        response = exercise_detail(request, course_slug, slug)
        response.status_code = error.status_code
        return response
    return redirect("grading:submission", course_slug=course_slug, slug=slug, pk=submission.pk)


def _own_submission(request: HttpRequest, exercise: Exercise, pk: int) -> Submission:
    submission = get_object_or_404(Submission, pk=pk, exercise=exercise)
    if not selectors.submission_visible_to(user=request.user, submission=submission):
        raise Http404(gettext("No such submission"))
    return submission


@login_required
def submission_detail(request: HttpRequest, course_slug: str, slug: str, pk: int) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submission = _own_submission(request, exercise, pk)
    return render(request, "grading/submission.html", _run_context(request, exercise, submission))


def _run_context(
    request: HttpRequest, exercise: Exercise, submission: Submission
) -> dict[str, Any]:
    """What the submission page and its live status share: the latest grading and its place."""
    runs = list(submission.runs.order_by("-number"))
    latest = runs[0] if runs else None
    return {
        "exercise": exercise,
        "submission": submission,
        "run": latest,
        "history": runs[1:],
        "pending": latest is not None and not latest.is_finished,
        "place": selectors.run_place(latest) if latest is not None else None,
        "teaching_staff": teaches_course(user=request.user, course=exercise.module.course),
        "comments": submission_comments(submission=submission),
    }


@login_required
def submission_status(request: HttpRequest, course_slug: str, slug: str, pk: int) -> JsonResponse:
    """The latest grading of a submission as JSON, polled by the submission page: its status,
    place in line, time taken and limit, and the result block rendered as the page renders it."""
    exercise = _exercise(course_slug, slug)
    submission = _own_submission(request, exercise, pk)
    context = _run_context(request, exercise, submission)
    run: GradingRun | None = context["run"]
    place = context["place"]
    html = render_to_string("grading/_run_result.html", context, request=request)
    response = JsonResponse(
        {
            "status": run.status if run else None,
            "status_display": run.get_status_display() if run else None,
            "finished": run.is_finished if run else False,
            "place": place.as_json() if place is not None else None,
            "elapsed_seconds": (
                selectors.run_elapsed_seconds(run, now=timezone.now()) if run else None
            ),
            "limit_seconds": exercise.wall_seconds,
            "html": html,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def draft_save(request: HttpRequest, course_slug: str, slug: str) -> JsonResponse:
    """Autosave of the exercise page (JSON `{"code": {grade_id: code}}`), CSRF-checked."""
    exercise = _exercise(course_slug, slug)
    limit = MAX_DRAFT_BODY_PER_CELL * max(1, len(exercise.starter_code))
    # Django refuses bodies past DATA_UPLOAD_MAX_MEMORY_SIZE before this reads one.
    if len(request.body) > limit:
        return JsonResponse({"error": "This draft is too large to save."}, status=413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The draft is not valid JSON."}, status=400)
    try:
        code = body.get("code") if isinstance(body, dict) else None
        draft = services.draft_save(
            user=selectors.signed_in(request.user), exercise=exercise, code=code
        )
    except ApplicationError as error:
        return JsonResponse({"error": str(error)}, status=error.status_code)
    return JsonResponse({"saved_at": draft.updated_at.isoformat()})


@login_required
@require_POST
def hint_reveal(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    services.hint_reveal_next(user=selectors.signed_in(request.user), exercise=exercise)
    return redirect(f"/exercises/{course_slug}/{slug}/#hints")


@login_required
def release_download(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    response = HttpResponse(
        json.dumps(exercise.release_notebook, indent=1), content_type="application/x-ipynb+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}.ipynb"'
    return response


@teaching_staff_required
@require_POST
def submission_regrade(request: HttpRequest, course_slug: str, slug: str, pk: int) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submission = get_object_or_404(Submission, pk=pk, exercise=exercise)
    fresh_seed = request.POST.get("fresh_seed") == "on"
    services.submission_regrade(submission=submission, fresh_seed=fresh_seed)
    seed = gettext("a fresh seed") if fresh_seed else gettext("the same seed")
    messages.success(
        request,
        gettext("Regrade queued with %(seed)s; earlier results stay in the history.")
        % {"seed": seed},
    )
    return redirect("grading:submission", course_slug=course_slug, slug=slug, pk=pk)


@teaching_staff_required
@require_POST
def exercise_regrade(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    count = services.exercise_regrade_all(
        exercise=exercise, fresh_seed=request.POST.get("fresh_seed") == "on"
    )
    messages.success(
        request, gettext("%(count)s submissions queued for regrading.") % {"count": count}
    )
    return redirect("grading:instructor_submissions", course_slug=course_slug, slug=slug)


@teaching_staff_required
def instructor_submissions(request: HttpRequest, course_slug: str, slug: str) -> HttpResponse:
    exercise = _exercise(course_slug, slug)
    submissions = selectors.submissions_of_exercise(exercise=exercise)
    return render(
        request,
        "grading/instructor_submissions.html",
        {
            "exercise": exercise,
            "submissions": [(s, selectors.latest_run(s)) for s in submissions],
        },
    )
