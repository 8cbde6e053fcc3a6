"""The gradebook as the REST API lists it: the course's active learners by username, filtered
by part of a username and by cohort name, a page at a time, with the same rows the pages and the
CSV export show (weights, late penalties, overrides). Pages are cut from the ordered enrolments
first, so progress is read for the learners of one page only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.db.models import QuerySet
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Course, CourseRole, Enrolment
from courseware.selectors import course_members
from gradebook.selectors.items import course_items
from gradebook.selectors.rows import GradebookRow, gradebook_rows


def gradebook_learners(
    *, course: Course, learner: str = "", cohort: str = ""
) -> QuerySet[Enrolment]:
    """The rows before paging: the active learners, by username; `learner` matches part of a
    username, `cohort` is a cohort's name."""
    return course_members(
        course=course,
        learner=learner,
        cohort=cohort,
        role=CourseRole.LEARNER,
        status=Enrolment.Status.ACTIVE,
    )


def gradebook_listed_rows(
    *, course: Course, enrolments: Sequence[Enrolment], module: str = ""
) -> list[GradebookRow]:
    """The gradebook rows of the given learners (one page), with only `module`'s cells when it
    is named (the total stays the course total, over every item); an unknown or inactive module
    is a 400."""
    if module and not course.modules.filter(slug=module, is_active=True).exists():
        raise ApplicationError(
            gettext("This course has no module %(module)r.") % {"module": module}
        )
    rows = gradebook_rows(
        course=course, items=course_items(course=course), enrolments=enrolments, with_times=True
    )
    if not module:
        return rows
    return [
        replace(row, cells=[cell for cell in row.cells if cell.item.module.slug == module])
        for row in rows
    ]
