"""Assignment and Grade Services: the score the course policy keeps goes to the learner's line
item, once per score, from a Celery task.

`grades_publish` runs when courseware records a score (its `score_recorded` signal): it writes
the score each linked line item should hold into `GradeSync` and queues a send on commit.
`grade_send` sends what the row holds if the platform does not have it yet; a platform that is
down raises `PlatformUnavailable` for the task to retry, and the row stays pending until a send
gets through (the periodic `grades_resend_pending` picks up what the retries did not).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from lti.models import GradeSend, GradeSync, Identity, ResourceLink
from lti.selectors import kept_score
from lti.tool_config import registration_for

logger = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
CLAIM_SECONDS = 120


class PlatformUnavailable(Exception):
    """The platform could not be reached or answered 5xx/429: worth sending again later."""


def _links_for(*, kind: str, **target: Any) -> Any:
    if kind == "exercise":
        return ResourceLink.objects.filter(
            exercise__module_id=target["module_id"], exercise__slug=target["exercise_slug"]
        )
    if kind == "quiz":
        return ResourceLink.objects.filter(quiz_id=target["quiz_id"])
    return ResourceLink.objects.none()


def grades_publish(
    *, kind: str, user_id: int, queue: Callable[[int], None], **target: Any
) -> list[int]:
    """Record the kept score of every line item linked to this quiz or exercise for the learner
    and queue a send for those the platform does not hold yet. Returns the GradeSync pks queued."""
    queued: list[int] = []
    links = _links_for(kind=kind, **target).filter(Q(lineitem_url__gt="") | Q(lineitems_url__gt=""))
    for link in links.select_related("exercise", "quiz"):
        identity = Identity.objects.filter(platform_id=link.platform_id, user_id=user_id).first()
        score = kept_score(link=link, user_id=user_id)
        if identity is None or score is None:
            continue
        grade, _ = GradeSync.objects.get_or_create(
            link=link,
            identity=identity,
            defaults={"score_given": score.points, "score_maximum": score.max_points},
        )
        changed = GradeSync.objects.filter(pk=grade.pk).exclude(
            sent_score_given=score.points, sent_score_maximum=score.max_points
        )
        if changed.update(
            score_given=score.points,
            score_maximum=score.max_points,
            status=GradeSync.Status.PENDING,
            updated_at=timezone.now(),
        ):
            queued.append(grade.pk)
        else:
            GradeSync.objects.filter(pk=grade.pk).update(
                score_given=score.points, score_maximum=score.max_points
            )
    for pk in queued:
        transaction.on_commit(partial(queue, pk))
    return queued


def _claim(grade_pk: int) -> GradeSync | None:
    now = timezone.now()
    claimed = (
        GradeSync.objects.filter(pk=grade_pk)
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .exclude(sent_score_given=F("score_given"), sent_score_maximum=F("score_maximum"))
        .update(sending_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    if not claimed:
        return None
    return GradeSync.objects.select_related("link__platform", "identity").get(pk=grade_pk)


def _service(link: ResourceLink) -> AssignmentsGradesService:
    registration = registration_for(link.platform)
    connector = ServiceConnector(registration)
    service_data: Any = {
        "scope": list(link.ags_scopes) or [SCORE_SCOPE],
        "lineitem": link.lineitem_url,
        "lineitems": link.lineitems_url,
    }
    return AssignmentsGradesService(connector, service_data)


def _lineitem_url(link: ResourceLink, service: AssignmentsGradesService, maximum: float) -> str:
    """The link's line item; made on the platform (find or create by resource id) when the
    launch named only the line item container."""
    if link.lineitem_url:
        return link.lineitem_url
    wanted = (
        LineItem()
        .set_label(link.title or link.target)
        .set_score_maximum(maximum)
        .set_resource_id(link.target)
        .set_resource_link_id(link.resource_link_id)
    )
    found = service.find_or_create_lineitem(wanted, find_by="resource_link_id")
    url = str(found.get_id() or "")
    ResourceLink.objects.filter(pk=link.pk).update(lineitem_url=url)
    link.lineitem_url = url
    return url


def _put(grade: GradeSync, given: float, maximum: float) -> str:
    link = grade.link
    service = _service(link)
    url = _lineitem_url(link, service, maximum)
    score = (
        Grade()
        .set_score_given(given)
        .set_score_maximum(maximum)
        .set_timestamp(timezone.now().isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(grade.identity.sub)
    )
    service.put_grade(score, LineItem().set_id(url))
    return url


def _retryable(error: Exception) -> bool:
    if isinstance(error, requests.RequestException):
        return True
    if isinstance(error, LtiServiceException):
        status = error.response.status_code
        return status >= 500 or status == 429
    return False


def grade_send(*, grade_pk: int) -> str:
    """Send the row's score if the platform does not hold it yet. Returns what happened:
    "sent", "nothing" (already sent, gone, or another sender has it) or "refused" (the platform
    said no for good); raises PlatformUnavailable when worth retrying."""
    grade = _claim(grade_pk)
    if grade is None:
        return "nothing"
    given, maximum = grade.score_given, grade.score_maximum
    try:
        url = _put(grade, given, maximum)
    except (requests.RequestException, LtiException) as error:
        retry = _retryable(error)
        GradeSync.objects.filter(pk=grade.pk).update(
            status=GradeSync.Status.FAILED if retry else GradeSync.Status.REFUSED,
            attempts=F("attempts") + 1,
            last_error=str(error)[:2000],
            sending_until=None,
            updated_at=timezone.now(),
        )
        logger.warning(
            "lti grade %s for %s not sent (%s): %s",
            grade.pk,
            grade.identity.sub,
            "will retry" if retry else "refused",
            error,
        )
        if retry:
            raise PlatformUnavailable(str(error)) from error
        return "refused"
    now = timezone.now()
    with transaction.atomic():
        GradeSend.objects.create(
            grade=grade,
            score_given=given,
            score_maximum=maximum,
            lineitem_url=url,
            response_status=200,
        )
        GradeSync.objects.filter(pk=grade.pk).update(
            sent_score_given=given,
            sent_score_maximum=maximum,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            sending_until=None,
        )
        # Sent what the row held; a newer score recorded meanwhile keeps the row pending.
        GradeSync.objects.filter(pk=grade.pk, score_given=given, score_maximum=maximum).update(
            status=GradeSync.Status.SENT
        )
    logger.info("lti grade %s sent: %g/%g to %s", grade.pk, given, maximum, url)
    return "sent"


def grades_pending(*, older_than_seconds: int | None = None) -> list[int]:
    """Rows whose score the platform does not hold, last touched long enough ago."""
    seconds = (
        settings.LTI_GRADE_RESEND_AFTER_SECONDS
        if older_than_seconds is None
        else older_than_seconds
    )
    cutoff = timezone.now() - timedelta(seconds=seconds)
    return list(
        GradeSync.objects.exclude(status__in=[GradeSync.Status.SENT, GradeSync.Status.REFUSED])
        .filter(updated_at__lte=cutoff)
        .values_list("pk", flat=True)
    )
