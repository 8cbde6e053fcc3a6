"""An exercise's submissions for its teaching staff: filtered by learner, cohort and status, or
only each learner's latest, paged so that no cap hides any; each with its learner, its latest
grading (hidden tests included) and its comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Cohort, Course
from grading.models import Exercise, GradingRun, Submission, SubmissionComment

PER_PAGE = 50
STATUSES = {
    "all": "Any status",
    "passed": "Full marks",
    "failed": "Below full marks or failed",
    "pending": "Not graded yet",
}


@dataclass(frozen=True)
class SubmissionQuery:
    learner: str = ""
    cohort: str = ""
    status: str = "all"
    latest: bool = False
    page: str = "1"

    @classmethod
    def from_params(cls, params: Any) -> SubmissionQuery:
        status = params.get("status", "all") or "all"
        if status not in STATUSES:
            raise ApplicationError(
                gettext("Unknown status “%(status)s”: use one of %(join)s.")
                % {"status": status, "join": ", ".join(STATUSES)}
            )
        cohort = params.get("cohort", "").strip()
        if cohort and not cohort.isdigit():
            raise ApplicationError(gettext("This course has no such cohort."))
        return cls(
            learner=params.get("learner", "").strip()[:150],
            cohort=cohort,
            status=status,
            latest=params.get("latest") == "on",
            page=params.get("page", "1") or "1",
        )


@dataclass(frozen=True)
class SubmissionRow:
    submission: Submission
    latest_run: GradingRun | None
    comments: list[SubmissionComment]


@dataclass(frozen=True)
class SubmissionsPage:
    page: Page[Any]  # of annotated Submissions
    rows: list[SubmissionRow]


def _latest_run(field: str) -> Subquery:
    runs = GradingRun.objects.filter(submission=OuterRef("pk")).order_by("-number")
    return Subquery(runs.values(field)[:1])


def exercise_submissions(
    *, course: Course, exercise: Exercise, query: SubmissionQuery
) -> SubmissionsPage:
    """One page of the exercise's submissions, newest first; a bad page number is a 400."""
    submissions = Submission.objects.filter(exercise=exercise).annotate(
        run_status=_latest_run("status"),
        run_points=_latest_run("points"),
        run_max_points=_latest_run("max_points"),
    )
    if query.learner:
        words = query.learner
        submissions = submissions.filter(
            Q(user__username__icontains=words)
            | Q(user__first_name__icontains=words)
            | Q(user__last_name__icontains=words)
            | Q(user__email__icontains=words)
        )
    if query.cohort:
        if not Cohort.objects.filter(course=course, pk=int(query.cohort)).exists():
            raise ApplicationError(gettext("This course has no such cohort."))
        submissions = submissions.filter(
            user__enrolments__course=course, user__enrolments__cohort_id=int(query.cohort)
        )
    passed = Q(run_status=GradingRun.Status.GRADED, run_max_points__gt=0) & Q(
        run_points__gte=F("run_max_points")
    )
    if query.status == "passed":
        submissions = submissions.filter(passed)
    elif query.status == "failed":
        finished = [GradingRun.Status.GRADED, GradingRun.Status.FAILED]
        submissions = submissions.filter(run_status__in=finished).exclude(passed)
    elif query.status == "pending":
        submissions = submissions.exclude(
            run_status__in=[GradingRun.Status.GRADED, GradingRun.Status.FAILED]
        )
    if query.latest:
        newest = Submission.objects.filter(exercise=exercise, user=OuterRef("user")).order_by(
            "-created_at", "-pk"
        )
        submissions = submissions.filter(pk=Subquery(newest.values("pk")[:1]))
    ordered = (
        submissions.select_related("user")
        .prefetch_related("runs", "comments__author")
        .order_by("-created_at", "-pk")
    )
    try:
        page = Paginator(ordered, PER_PAGE).page(query.page)
    except (PageNotAnInteger, EmptyPage) as error:
        raise ApplicationError(
            gettext("There is no page “%(page)s” of these submissions.") % {"page": query.page}
        ) from error
    rows = []
    for submission in page.object_list:
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        rows.append(
            SubmissionRow(
                submission=submission,
                latest_run=runs[-1] if runs else None,
                comments=list(submission.comments.all()),
            )
        )
    return SubmissionsPage(page=page, rows=rows)
