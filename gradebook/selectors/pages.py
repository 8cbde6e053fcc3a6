"""The gradebook as the page and the export ask for it: filtered, searched, sorted, paged.

Sorting by name (or cohort) pages in the database and reads progress for that page only;
sorting by total reads every filtered learner's progress (still a fixed number of queries)
and sorts in Python, since the total is computed, not stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Cohort, Course, CourseRole, Enrolment
from gradebook.selectors.items import CourseItems, course_items
from gradebook.selectors.rows import GradebookRow, gradebook_rows

PAGE_SIZE = 50
EXPORT_CHUNK = 500
SORTS = {
    "name": "Name (A-Z)",
    "-name": "Name (Z-A)",
    "total": "Total (lowest first)",
    "-total": "Total (highest first)",
    "cohort": "Cohort, then name",
}
STATUSES = {"active": "Active", "dropped": "Dropped", "all": "Active and dropped"}
NO_COHORT = "none"
MAX_SEARCH = 100


@dataclass(frozen=True)
class GradebookQuery:
    """What the page's filter form asks: all values checked by `from_params`."""

    search: str = ""
    cohort: str = ""  # "": any cohort; "none": in no cohort; else a cohort's pk
    status: str = "active"
    sort: str = "name"
    page: str = "1"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> GradebookQuery:
        """The query from the page's GET parameters; a clear 400 for a value it cannot use."""
        query = cls(
            search=str(params.get("q", "")).strip(),
            cohort=str(params.get("cohort", "")).strip(),
            status=str(params.get("status", "") or "active"),
            sort=str(params.get("sort", "") or "name"),
            page=str(params.get("page", "") or "1"),
        )
        if query.sort not in SORTS:
            raise ApplicationError(
                gettext("Unknown sort %(sort)r: use one of %(join)s.")
                % {"sort": query.sort, "join": ", ".join(SORTS)}
            )
        if query.status not in STATUSES:
            raise ApplicationError(
                gettext("Unknown status %(status)r: use one of %(join)s.")
                % {"status": query.status, "join": ", ".join(STATUSES)}
            )
        if query.cohort not in ("", NO_COHORT) and not query.cohort.isdigit():
            raise ApplicationError(gettext("Unknown cohort."))
        if len(query.search) > MAX_SEARCH:
            raise ApplicationError(
                gettext("Search for at most %(MAX_SEARCH)s characters.")
                % {"MAX_SEARCH": MAX_SEARCH}
            )
        return query

    def with_page(self, page: int) -> GradebookQuery:
        return replace(self, page=str(page))


def learner_enrolments(*, course: Course, query: GradebookQuery) -> QuerySet[Enrolment]:
    """The learners the query selects, with user and cohort; an unknown cohort is a 400."""
    enrolments = Enrolment.objects.filter(course=course, role=CourseRole.LEARNER).select_related(
        "user", "cohort"
    )
    if query.status != "all":
        enrolments = enrolments.filter(status=query.status)
    if query.cohort == NO_COHORT:
        enrolments = enrolments.filter(cohort__isnull=True)
    elif query.cohort:
        if not Cohort.objects.filter(course=course, pk=int(query.cohort)).exists():
            raise ApplicationError(gettext("This course has no such cohort."))
        enrolments = enrolments.filter(cohort_id=int(query.cohort))
    if query.search:
        words = query.search
        enrolments = enrolments.filter(
            Q(user__username__icontains=words)
            | Q(user__first_name__icontains=words)
            | Q(user__last_name__icontains=words)
            | Q(user__email__icontains=words)
        )
    if query.sort == "-name":
        return enrolments.order_by("-user__username", "-pk")
    if query.sort == "cohort":
        return enrolments.order_by("cohort__name", "user__username", "pk")
    return enrolments.order_by("user__username", "pk")


@dataclass(frozen=True)
class GradebookPage:
    items: CourseItems
    rows: list[GradebookRow]
    page: Page[Any]
    query: GradebookQuery


def _by_total(row: GradebookRow) -> tuple[float, str]:
    return (row.total if row.total is not None else -1.0, row.enrolment.user.get_username())


def gradebook_page(
    *, course: Course, query: GradebookQuery, per_page: int = PAGE_SIZE
) -> GradebookPage:
    """One page of the gradebook, in a number of queries that does not grow with learners."""
    items = course_items(course=course)
    enrolments = learner_enrolments(course=course, query=query)
    if query.sort in ("total", "-total"):
        rows = gradebook_rows(course=course, items=items, enrolments=list(enrolments))
        rows.sort(key=_by_total, reverse=query.sort == "-total")
        row_page = Paginator(rows, per_page).get_page(query.page)
        return GradebookPage(
            items=items, rows=list(row_page.object_list), page=row_page, query=query
        )
    page = Paginator(enrolments, per_page).get_page(query.page)
    rows = gradebook_rows(course=course, items=items, enrolments=list(page.object_list))
    return GradebookPage(items=items, rows=rows, page=page, query=query)


def gradebook_rows_all(
    *, course: Course, items: CourseItems, query: GradebookQuery, chunk: int = EXPORT_CHUNK
) -> Iterator[GradebookRow]:
    """Every row the query selects, by name, read `chunk` learners at a time for streaming:
    a fixed number of queries per chunk, whatever the size of the course. The query is checked
    here, before the first row is asked for, so bad input is refused before a response starts."""
    selected = learner_enrolments(course=course, query=replace(query, sort="name"))

    def rows() -> Iterator[GradebookRow]:
        enrolments = list(selected)
        for start in range(0, len(enrolments), chunk):
            yield from gradebook_rows(
                course=course, items=items, enrolments=enrolments[start : start + chunk]
            )

    return rows()


def learner_enrolment(*, course: Course, user_pk: int) -> Enrolment | None:
    """A learner's enrolment in the course (active or dropped), or None."""
    return (
        Enrolment.objects.filter(course=course, user_id=user_pk, role=CourseRole.LEARNER)
        .select_related("user", "cohort")
        .first()
    )


def course_learner_or_404(*, course_slug: str, user_pk: int) -> tuple[Course, Enrolment]:
    """The course and one learner's enrolment in it, as the staff pages about one learner (the
    dashboard's and the gradebook's) look them up: a 404 when either is not there."""
    course = get_object_or_404(Course, slug=course_slug)
    enrolment = learner_enrolment(course=course, user_pk=user_pk)
    if enrolment is None:
        raise Http404(gettext("No such learner in this course."))
    return course, enrolment
