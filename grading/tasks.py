"""Celery tasks of the grading app. They take primary keys and are safe to run twice."""

from __future__ import annotations

import random
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from grading.pipeline import GradingInfrastructureError
from grading.services import grading_run_execute, grading_run_give_up, runs_requeue_stuck
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
    # A retry may take over the run its own earlier try claimed (and could not give back: the
    # database it lost was where the claim lives), as a redelivered task may.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return grading_run_execute(
            run_pk=run_pk, redelivered=redelivered or self.request.retries > 0
        )
    except (OperationalError, InterfaceError) as error:
        # The database dropped out (a restart, a failover): nothing of this try was written
        # but possibly the claim. Retried with backoff; past the cap, the watchdog sends it.
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from None
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


@shared_task(acks_late=True)
def submissions_requeue_stuck() -> int:
    return runs_requeue_stuck(
        older_than_seconds=settings.GRADING_STUCK_AFTER_SECONDS,
        lost_after_seconds=settings.GRADING_LOST_AFTER_SECONDS,
    )
