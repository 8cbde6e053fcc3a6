"""Writes of certificates: issuing one when the rule is met, and revoking it."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from certificates.models import Certificate
from courseware.errors import ApplicationError
from courseware.models import Course
from courseware.selectors import course_completion

NOT_COMPLETE = gettext_noop("The course is not complete yet: its completion rule is not met.")
MAX_REASON = 300


def _learner_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def certificate_issue(*, user: Any, course: Course) -> Certificate:
    """The learner's certificate of the course, issued now if the rule is met.

    Idempotent: a learner who already has one (revoked or not) gets that one back, and two
    requests at once make one row (the unique constraint decides, the loser reads the winner's).
    """
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    completion = course_completion(course=course, user=user)
    if not completion.is_complete:
        raise ApplicationError(gettext(NOT_COMPLETE), status_code=409)
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
