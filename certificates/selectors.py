"""Reads of certificates: by learner and course, by public code, a course's list, who may see
the PDF, and a learner's certificates for "download my data"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from certificates.models import Certificate
from courseware.models import Course
from courseware.selectors import teaches_course


def certificate_of(*, user: Any, course: Course) -> Certificate | None:
    if not user.is_authenticated:
        return None
    return Certificate.objects.filter(user=user, course=course).first()


def certificate_by_code(*, code: str) -> Certificate | None:
    return Certificate.objects.select_related("course").filter(code=code).first()


def course_certificates(*, course: Course) -> list[Certificate]:
    return list(Certificate.objects.filter(course=course).select_related("user", "revoked_by"))


def certificate_visible_to(*, certificate: Certificate, user: Any) -> bool:
    """The full certificate (its PDF) is for its owner and the course's teaching staff; anyone
    else sees only the public verification page."""
    if not user.is_authenticated:
        return False
    return bool(certificate.user_id == user.pk) or teaches_course(
        user=user, course=certificate.course
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def certificates_export(*, user: Any) -> list[dict[str, Any]]:
    """The learner's certificates as JSON-ready data (the account export). Who revoked one is
    the course's record, not the learner's, so only when and why is shown."""
    return [
        {
            "course": row.course.slug,
            "code": row.code,
            "name": row.learner_name,
            "course_title": row.course_title,
            "issued_at": _iso(row.issued_at),
            "quiz_average": row.quiz_average,
            "exercise_points": row.exercise_points,
            "exercise_max_points": row.exercise_max_points,
            "lessons_read": row.lessons_read,
            "revoked_at": _iso(row.revoked_at),
            "revoke_reason": row.revoke_reason,
        }
        for row in Certificate.objects.filter(user=user).select_related("course").order_by("pk")
    ]
