"""The dashboard's pages: the overview (who needs attention, the heatmap, the quizzes and
exercises), one learner's page with the extension form, and an exercise's submissions with
comments to learners. Teaching staff only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from courseware.errors import ApplicationError, learner_id
from courseware.http import handles_application_errors
from courseware.models import Cohort, Course
from courseware.permissions import teaching_staff_required
from courseware.selectors import course_quizzes
from courseware.selectors.roster import course_cohorts
from dashboard.selectors.attention import AttentionRules, needs_attention
from dashboard.selectors.exercise_stats import exercise_stats
from dashboard.selectors.heatmap import active_learners, course_heatmap
from dashboard.selectors.learner import learner_page
from dashboard.selectors.paging import page_of
from dashboard.selectors.similarity import stored_similarity
from dashboard.selectors.submissions import (
    STATUSES,
    SubmissionQuery,
    exercise_submissions,
)
from dashboard.services import similarity_request
from deadlines import services as deadline_services
from deadlines.forms import ExtensionForm
from deadlines.overview import item_from_key
from gradebook.selectors.pages import course_learner_or_404
from gradebook.selectors.submissions import exercise_of_course
from grading.comments import submission_comment_add
from grading.models import Exercise, Submission

FILTER_KEYS = ("learner", "cohort", "status", "latest", "page")


def _cohort(course: Course, value: str) -> Cohort | None:
    if not value:
        return None
    if not value.isdigit():
        raise ApplicationError(gettext("This course has no such cohort."))
    found = Cohort.objects.filter(course=course, pk=int(value)).first()
    if found is None:
        raise ApplicationError(gettext("This course has no such cohort."))
    return found


@teaching_staff_required
@require_GET
@handles_application_errors
def overview(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    rules = AttentionRules.from_params(request.GET.dict())
    cohort = _cohort(course, request.GET.get("cohort", "").strip())
    heatmap = course_heatmap(
        course=course, enrolments=active_learners(course=course, cohort=cohort)
    )
    attention = needs_attention(course=course, heatmap=heatmap, rules=rules)
    filters = request.GET.copy()
    for name in ("page", "attention"):
        filters.pop(name, None)
    return render(
        request,
        "dashboard/overview.html",
        {
            "course": course,
            "heatmap": heatmap,
            "heat_page": page_of(heatmap.rows, request.GET.get("page", "")),
            "attention": page_of(attention, request.GET.get("attention", "")),
            "filters": filters.urlencode(),
            "rules": rules,
            "cohort": cohort,
            "cohorts": course_cohorts(course=course),
            "quizzes": course_quizzes(course=course),
        },
    )


@teaching_staff_required
@require_GET
def learner(request: HttpRequest, course_slug: str, user_pk: int) -> HttpResponse:
    course, enrolment = course_learner_or_404(course_slug=course_slug, user_pk=user_pk)
    return render(
        request,
        "dashboard/learner.html",
        {
            "course": course,
            "page": learner_page(course=course, enrolment=enrolment),
            "extension_form": ExtensionForm(initial={"learner": user_pk}),
        },
    )


@teaching_staff_required
@require_POST
@handles_application_errors
def extension_grant(request: HttpRequest, course_slug: str, user_pk: int) -> HttpResponse:
    """Grant an extension from the learner's page (the deadlines app's service) and come back."""
    course, _ = course_learner_or_404(course_slug=course_slug, user_pk=user_pk)
    form = ExtensionForm({**request.POST.dict(), "learner": str(user_pk)})
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()
        )
        raise ApplicationError(
            gettext("The extension is not granted (%(problems)s).") % {"problems": problems}
        )
    extension = deadline_services.extension_grant(
        course=course,
        item=item_from_key(course=course, key=form.cleaned_data["item"]),
        learner_id=user_pk,
        due_at=form.cleaned_data["due_at"],
        reason=form.cleaned_data["reason"],
        granted_by_id=learner_id(request.user),
    )
    messages.success(
        request,
        gettext("Extension granted to %(username)s.") % {"username": extension.user.get_username()},
    )
    return redirect("dashboard:learner", course_slug=course.slug, user_pk=user_pk)


def _exercise(course: Course, module_slug: str, exercise_slug: str) -> Exercise:
    exercise = exercise_of_course(course=course, module_slug=module_slug, slug=exercise_slug)
    if exercise is None:
        raise Http404(gettext("No such exercise in this course."))
    return exercise


@teaching_staff_required
@require_GET
@handles_application_errors
def submissions(
    request: HttpRequest, course_slug: str, module_slug: str, exercise_slug: str
) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    exercise = _exercise(course, module_slug, exercise_slug)
    query = SubmissionQuery.from_params(request.GET)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "dashboard/submissions.html",
        {
            "course": course,
            "exercise": exercise,
            "listing": exercise_submissions(course=course, exercise=exercise, query=query),
            "stats": exercise_stats(exercise=exercise),
            "query": query,
            "statuses": STATUSES,
            "cohorts": course_cohorts(course=course),
            "filters": filters.urlencode(),
        },
    )


@teaching_staff_required
@require_POST
@handles_application_errors
def submission_comment(
    request: HttpRequest, course_slug: str, module_slug: str, exercise_slug: str, pk: int
) -> HttpResponse:
    """A comment to the learner on one submission; back to the list with its filters."""
    course = get_object_or_404(Course, slug=course_slug)
    exercise = _exercise(course, module_slug, exercise_slug)
    submission = get_object_or_404(Submission, pk=pk, exercise=exercise)
    submission_comment_add(
        submission=submission, author_pk=learner_id(request.user), text=request.POST.get("text", "")
    )
    messages.success(
        request,
        gettext("Comment sent to %(username)s.") % {"username": submission.user.get_username()},
    )
    back = reverse("dashboard:submissions", args=[course.slug, module_slug, exercise_slug])
    # Only the list's own filters travel back: the posted string is never a URL of its own.
    posted = QueryDict(request.POST.get("filters", ""))
    kept = urlencode({key: posted[key] for key in FILTER_KEYS if key in posted})
    return redirect(f"{back}{'?' + kept if kept else ''}#submission-{submission.pk}")


@teaching_staff_required
@require_GET
def similarity(
    request: HttpRequest, course_slug: str, module_slug: str, exercise_slug: str
) -> HttpResponse:
    """The last similarity report of the exercise, for review only, and whether a new one is
    being computed (by a task: the page never computes it)."""
    course = get_object_or_404(Course, slug=course_slug)
    exercise = _exercise(course, module_slug, exercise_slug)
    return render(
        request,
        "dashboard/similarity.html",
        {"course": course, "exercise": exercise, "stored": stored_similarity(exercise=exercise)},
    )


@teaching_staff_required
@require_POST
def similarity_compute(
    request: HttpRequest, course_slug: str, module_slug: str, exercise_slug: str
) -> HttpResponse:
    """Ask for a fresh report (queued once, however often asked) and go back to the page."""
    course = get_object_or_404(Course, slug=course_slug)
    exercise = _exercise(course, module_slug, exercise_slug)
    similarity_request(exercise=exercise)
    return redirect("dashboard:similarity", course.slug, module_slug, exercise_slug)
