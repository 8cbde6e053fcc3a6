"""Writes of certificates: issuing one when the rule is met (on the learner's request, and by
itself when their progress meets it), and revoking it."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from certificates.models import Certificate
from courseware.errors import ApplicationError
from courseware.models import Course
from courseware.selectors import CourseCompletion, course_completion

NOT_COMPLETE = gettext_noop("The course is not complete yet: its completion rule is not met.")
MAX_REASON = 300


def _learner_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _certificate_create(*, user: Any, course: Course, completion: CourseCompletion) -> Certificate:
    """The certificate row for a completion; two issues at once make one row (the unique
    constraint decides, the loser reads the winner's)."""
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=course,
                code=secrets.token_urlsafe(24),
                learner_name=_learner_name(user),
                course_title=course.title,
                issued_at=timezone.now(),
                quiz_average=completion.quiz_average,
                exercise_points=completion.exercise_points,
                exercise_max_points=completion.exercise_max_points,
                lessons_read=completion.lessons_read,
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)


def certificate_issue(*, user: Any, course: Course) -> Certificate:
    """The learner's certificate of the course, issued now if the rule is met (the certificate
    page's button).

    Idempotent: a learner who already has one (revoked or not) gets that one back.
    """
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    completion = course_completion(course=course, user=user)
    if not completion.is_complete:
        raise ApplicationError(gettext(NOT_COMPLETE), status_code=409)
    return _certificate_create(user=user, course=course, completion=completion)


def certificate_issue_if_complete(*, user_id: int, course_id: int) -> Certificate | None:
    """Issue the learner's certificate once the course's rule is met, without their asking:
    called each time their progress in the course is recorded. Returns the certificate they
    hold, or None while the rule is not met (or the learner or course is gone).

    Idempotent: a certificate already held, revoked ones included, is left as it is, so a
    revoked certificate is not issued again by the next lesson read.
    """
    existing = Certificate.objects.filter(user_id=user_id, course_id=course_id).first()
    if existing is not None:
        return existing
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    course = Course.objects.filter(pk=course_id).first()
    if user is None or course is None:
        return None
    completion = course_completion(course=course, user=user)
    if not completion.is_complete:
        return None
    return _certificate_create(user=user, course=course, completion=completion)


def certificate_revoke(*, certificate: Certificate, revoked_by: Any, reason: str) -> Certificate:
    """Revoke a certificate (an instructor of its course); revoking twice keeps the first."""
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise ApplicationError(
            gettext("A reason has at most %(count)d characters.") % {"count": MAX_REASON}
        )
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=revoked_by, revoke_reason=reason
        )
    certificate.refresh_from_db()
    return certificate
