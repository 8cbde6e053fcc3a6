"""The instructor API's reads: a course's members and gradebook (filtered, in pages), one
learner's record. Pages are cut from the ordered enrolments first, so the progress queries
only ever cover the learners of one page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from courseware.errors import ApplicationError
from courseware.models import Course, CourseRole, Enrolment, QuizAttempt
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


def gradebook_learners(
    *, course: Course, learner: str = "", cohort: str = ""
) -> QuerySet[Enrolment]:
    """The gradebook's rows before paging: the active learners, as the dashboard lists them."""
    return course_members(
        course=course,
        learner=learner,
        cohort=cohort,
        role=CourseRole.LEARNER,
        status=Enrolment.Status.ACTIVE,
    )


@dataclass(frozen=True)
class GradebookRow:
    user: Any
    cohort: str | None
    modules: list[ModuleProgress]


def gradebook_rows(
    *, course: Course, enrolments: list[Enrolment], module: str = ""
) -> list[GradebookRow]:
    """Progress per module of the given learners (one page), only `module`'s when it is named."""
    if module and not course.modules.filter(slug=module, is_active=True).exists():
        raise ApplicationError(f"This course has no module {module!r}.")
    progress = progress_by_user(course=course, user_ids=[member.user_id for member in enrolments])
    return [
        GradebookRow(
            user=member.user,
            cohort=member.cohort.name if member.cohort else None,
            modules=[
                row for row in progress[member.user_id] if not module or row.module.slug == module
            ],
        )
        for member in enrolments
    ]


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
