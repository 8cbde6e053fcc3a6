"""Celery tasks of the grading app. They take primary keys and are safe to run twice."""

from __future__ import annotations

import random
from typing import Any

from celery import shared_task
from django.conf import settings

from grading.execution import grading_run_execute, grading_run_give_up
from grading.pipeline import GradingInfrastructureError
from grading.practice import practice_run_execute, practice_run_give_up, practice_runs_fail_stale
from grading.services import runs_requeue_stuck
from sandbox import SandboxError

RETRY_BACKOFF_SECONDS = 2
RETRY_BACKOFF_MAX_SECONDS = 60


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter, capped (Celery's retry_backoff, written out here
    because the task decides itself what happens when the retries are spent)."""
    ceiling = min(RETRY_BACKOFF_MAX_SECONDS, RETRY_BACKOFF_SECONDS * 2**retries)
    return random.uniform(0, ceiling)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def grade_run(self: Any, run_pk: int) -> str:
    """Grade one run. Infrastructure errors are retried; once the retries are spent the run
    fails with a plain message (it never stays queued for ever)."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return grading_run_execute(run_pk=run_pk, redelivered=redelivered)
    except SandboxError as error:
        grading_run_give_up(run_pk=run_pk, detail=f"The grader is misconfigured: {error}")
        return "failed"
    except GradingInfrastructureError as error:
        if self.request.retries >= self.max_retries:
            grading_run_give_up(
                run_pk=run_pk,
                detail=f"Gave up after {self.request.retries + 1} tries: {error}",
            )
            return "failed"
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from None


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def practice_run(self: Any, practice_pk: int) -> str:
    """Run the visible tests of one practice run; retried like a grading, on infrastructure
    errors only, then failed with a plain message."""
    try:
        return practice_run_execute(practice_pk=practice_pk)
    except SandboxError as error:
        practice_run_give_up(
            practice_pk=practice_pk, detail=f"The grader is misconfigured: {error}"
        )
        return "failed"
    except GradingInfrastructureError as error:
        if self.request.retries >= self.max_retries:
            practice_run_give_up(
                practice_pk=practice_pk,
                detail=f"Gave up after {self.request.retries + 1} tries: {error}",
            )
            return "failed"
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from None


@shared_task(acks_late=True)
def submissions_requeue_stuck() -> int:
    # Practice runs that will never finish end here too (one watchdog, one schedule).
    practice_runs_fail_stale(
        running_seconds=settings.GRADING_STUCK_AFTER_SECONDS,
        queued_seconds=settings.GRADING_LOST_AFTER_SECONDS,
    )
    return runs_requeue_stuck(
        older_than_seconds=settings.GRADING_STUCK_AFTER_SECONDS,
        lost_after_seconds=settings.GRADING_LOST_AFTER_SECONDS,
    )
