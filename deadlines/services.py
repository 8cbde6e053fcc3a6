"""Writes of the deadlines app: due dates, extensions and the course policy.

Each write names its item inside the course it acts on; a due date or an extension is one row
per item (and cohort, or learner), so setting it again replaces it (`update_or_create` on the
unique constraint).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Cohort, Course, Enrolment, Quiz
from deadlines.models import CoursePolicy, DueDate, Extension, QuizPolicy
from deadlines.selectors import Item, item_course_id, item_key

MAX_REASON = 2000


def _check_item(*, course: Course, item: Item) -> dict[str, Any]:
    if item_course_id(item) != course.pk:
        raise ApplicationError(gettext("That item is not part of this course."), status_code=404)
    field, _ = item_key(item)
    return {field: item}


def _check_moment(due_at: Any) -> datetime:
    if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
        raise ApplicationError(gettext("A due date needs a date, a time and a time zone."))
    return due_at


def due_date_set(
    *, course: Course, item: Item, cohort: Cohort | None, due_at: datetime, set_by_id: int | None
) -> DueDate:
    """Set when `item` is due for `cohort` (None: the course-wide default)."""
    lookup = _check_item(course=course, item=item)
    if cohort is not None and cohort.course_id != course.pk:
        raise ApplicationError(gettext("That cohort is not part of this course."), status_code=404)
    with transaction.atomic():
        due_date, _ = DueDate.objects.update_or_create(
            course=course,
            cohort=cohort,
            **lookup,
            defaults={"due_at": _check_moment(due_at), "set_by_id": set_by_id},
        )
    return due_date


def due_date_clear(*, course: Course, item: Item, cohort: Cohort | None) -> bool:
    """Remove the item's date for `cohort` (None: the default). Returns whether one existed."""
    lookup = _check_item(course=course, item=item)
    with transaction.atomic():
        deleted, _ = DueDate.objects.filter(course=course, cohort=cohort, **lookup).delete()
    return deleted > 0


def extension_grant(
    *,
    course: Course,
    item: Item,
    learner_id: int,
    due_at: datetime,
    reason: str,
    granted_by_id: int,
) -> Extension:
    """Give one learner a later due date for `item`, recording who granted it, when and why."""
    lookup = _check_item(course=course, item=item)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(gettext("An extension needs a reason (the learner's request, say)."))
    if len(reason) > MAX_REASON:
        raise ApplicationError(
            gettext("The reason is longer than %(MAX_REASON)s characters.")
            % {"MAX_REASON": MAX_REASON}
        )
    if not Enrolment.objects.filter(
        course=course, user_id=learner_id, status=Enrolment.Status.ACTIVE
    ).exists():
        raise ApplicationError(
            gettext("That learner is not enrolled in this course."), status_code=404
        )
    with transaction.atomic():
        extension, _ = Extension.objects.update_or_create(
            user_id=learner_id,
            **lookup,
            defaults={
                "course": course,
                "due_at": _check_moment(due_at),
                "reason": reason,
                "granted_by_id": granted_by_id,
                "granted_at": timezone.now(),
            },
        )
    return extension


def extension_revoke(*, extension: Extension) -> None:
    with transaction.atomic():
        Extension.objects.filter(pk=extension.pk).delete()


def course_policy_update(
    *,
    course: Course,
    late: str,
    penalty_percent_per_day: int,
    penalty_cap_percent: int,
    answer_reveal: str,
) -> CoursePolicy:
    if late not in CoursePolicy.Late.values:
        raise ApplicationError(gettext("Unknown late policy."))
    if answer_reveal not in CoursePolicy.Reveal.values:
        raise ApplicationError(gettext("Unknown choice of when answers are shown."))
    for value in (penalty_percent_per_day, penalty_cap_percent):
        if not 0 <= value <= 100:
            raise ApplicationError(gettext("Percentages are whole numbers from 0 to 100."))
    with transaction.atomic():
        policy, _ = CoursePolicy.objects.update_or_create(
            course=course,
            defaults={
                "late": late,
                "penalty_percent_per_day": penalty_percent_per_day,
                "penalty_cap_percent": penalty_cap_percent,
                "answer_reveal": answer_reveal,
            },
        )
    return policy


def quiz_answer_policy_set(*, course: Course, quiz: Quiz, answer_reveal: str) -> None:
    """Give `quiz` its own choice of when answers are shown; blank: follow the course's."""
    _check_item(course=course, item=quiz)
    if answer_reveal and answer_reveal not in CoursePolicy.Reveal.values:
        raise ApplicationError(gettext("Unknown choice of when answers are shown."))
    with transaction.atomic():
        if answer_reveal:
            QuizPolicy.objects.update_or_create(
                quiz=quiz, defaults={"answer_reveal": answer_reveal}
            )
        else:
            QuizPolicy.objects.filter(quiz=quiz).delete()
