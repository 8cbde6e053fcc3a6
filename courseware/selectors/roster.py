"""Reads about course membership: a user's role in a course, the courses they teach, the
roster and cohorts an instructor page lists, and what a join code opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from courseware.models import Cohort, Course, CourseRole, Enrolment, Invitation

TEACHING_ROLES = (CourseRole.INSTRUCTOR, CourseRole.TEACHING_ASSISTANT)


def course_role_of(*, user: Any, course: Course) -> str | None:
    """The user's role in the course, or None: anonymous, not enrolled, or dropped."""
    if not user.is_authenticated:
        return None
    role = (
        Enrolment.objects.filter(user_id=user.pk, course=course, status=Enrolment.Status.ACTIVE)
        .values_list("role", flat=True)
        .first()
    )
    return str(role) if role is not None else None


def teaches_course(*, user: Any, course: Course) -> bool:
    """Whether the user is an active instructor or TA of the course: the one test for "may see
    what teaching staff see" (other learners' work, hidden-test results, seeds)."""
    return course_role_of(user=user, course=course) in TEACHING_ROLES


def courses_taught_by(*, user: Any) -> QuerySet[Course]:
    """The courses where the user is an active instructor or teaching assistant."""
    if not user.is_authenticated:
        return Course.objects.none()
    return Course.objects.filter(
        enrolments__user_id=user.pk,
        enrolments__status=Enrolment.Status.ACTIVE,
        enrolments__role__in=TEACHING_ROLES,
    ).distinct()


def course_roster(*, course: Course) -> list[Enrolment]:
    """Every member of the course, teaching staff first, then by username."""
    order = {CourseRole.INSTRUCTOR: 0, CourseRole.TEACHING_ASSISTANT: 1, CourseRole.LEARNER: 2}
    members = list(
        Enrolment.objects.filter(course=course)
        .select_related("user", "cohort")
        .order_by("user__username")
    )
    return sorted(members, key=lambda member: order.get(CourseRole(member.role), 3))


def course_cohorts(*, course: Course) -> list[Cohort]:
    """The course's cohorts with `learners`: how many active learners each holds."""
    active = Q(enrolments__status=Enrolment.Status.ACTIVE, enrolments__role=CourseRole.LEARNER)
    return list(
        Cohort.objects.filter(course=course).annotate(learners=Count("enrolments", filter=active))
    )


def course_invitations_open(*, course: Course) -> list[Invitation]:
    """Invitations sent for the course that nobody has signed up through yet."""
    return list(
        Invitation.objects.filter(course=course, accepted_at__isnull=True)
        .select_related("cohort")
        .order_by("email")
    )


@dataclass(frozen=True)
class JoinTarget:
    """What a join code opens: the course, and the cohort when it is a cohort's code."""

    course: Course
    cohort: Cohort | None


def join_target(*, code: str) -> JoinTarget | None:
    """The course (and cohort) a join code belongs to; None for an unknown or voided code."""
    if not code:
        return None
    course = Course.objects.filter(join_code=code).first()
    if course is not None:
        return JoinTarget(course=course, cohort=None)
    cohort = Cohort.objects.select_related("course").filter(join_code=code).first()
    if cohort is not None:
        return JoinTarget(course=cohort.course, cohort=cohort)
    return None
