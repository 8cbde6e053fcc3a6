"""The instructor API's reads: a course's members (filtered; the gradebook app's API lists its
rows from these), one learner's record."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from courseware.models import Course, Enrolment, QuizAttempt
from courseware.selectors.progress import ModuleProgress, progress_by_user


def course_members(
    *,
    course: Course,
    learner: str = "",
    cohort: str = "",
    role: str = "",
    status: str = "",
) -> QuerySet[Enrolment]:
    """The course's members by username; `learner` matches part of a username."""
    members = Enrolment.objects.filter(course=course).select_related("user", "cohort")
    if learner:
        members = members.filter(user__username__icontains=learner)
    if cohort:
        members = members.filter(cohort__name=cohort)
    if role:
        members = members.filter(role=role)
    if status:
        members = members.filter(status=status)
    return members.order_by("user__username", "pk")


@dataclass(frozen=True)
class LearnerRecord:
    enrolment: Enrolment
    progress: list[ModuleProgress]
    attempts: list[QuizAttempt]


def learner_record(*, course: Course, username: str) -> LearnerRecord | None:
    """One member's progress and quiz attempts in the course; None if they are no member."""
    enrolment = (
        Enrolment.objects.select_related("user", "cohort")
        .filter(course=course, user__username=username)
        .first()
    )
    if enrolment is None:
        return None
    attempts = list(
        QuizAttempt.objects.filter(user_id=enrolment.user_id, quiz__module__course=course)
        .select_related("quiz__module__course")
        .order_by("quiz__module__order", "number")
    )
    progress = progress_by_user(course=course, user_ids=[enrolment.user_id])[enrolment.user_id]
    return LearnerRecord(enrolment=enrolment, progress=progress, attempts=attempts)
