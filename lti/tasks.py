"""Celery tasks of the LTI app. They take primary keys and are safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from lti.services.grades import PlatformUnavailable, grade_send, grades_pending
from lti.tool_config import login_states_prune

MAX_SENDS_PER_TASK = 5


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(PlatformUnavailable,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def grade_send_task(self: Any, grade_pk: int) -> str:
    """Send a learner's kept score to their line item. A platform that is down is retried with
    backoff; past the retries the row stays pending for `grades_resend_pending`. A score
    recorded while one was being sent is sent next, in the same task."""
    outcome = "nothing"
    for _ in range(MAX_SENDS_PER_TASK):
        result = grade_send(grade_pk=grade_pk)
        if result != "sent":
            return outcome if result == "nothing" else result
        outcome = "sent"
    return outcome


@shared_task(acks_late=True)
def grades_resend_pending() -> int:
    """Queue a send for every grade the platforms do not hold yet (beat, every 5 minutes)."""
    pending = grades_pending()
    for pk in pending:
        grade_send_task.delay(pk)
    return len(pending)


@shared_task(acks_late=True)
def login_states_prune_task() -> int:
    """Drop expired OIDC login state (beat, hourly)."""
    return login_states_prune()
