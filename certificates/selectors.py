"""Reads of certificates: by learner and course, by public code, a course's list, who may see
the PDF."""

from __future__ import annotations

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
