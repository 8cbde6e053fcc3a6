"""Celery tasks of the grading app. They take primary keys and are safe to run twice."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from grading.execution import grading_run_execute, grading_run_give_up
from grading.pipeline import GradingInfrastructureError
from grading.practice import practice_run_execute, practice_run_give_up, practice_runs_fail_stale
from grading.services import runs_requeue_stuck
from sandbox import SandboxError

RETRY_BACKOFF_SECONDS = 2
RETRY_BACKOFF_MAX_SECONDS = 60
# Both grading tasks: safe to redeliver (idempotent claims), so acknowledged late and given back
# when a worker dies; the soft limit below the hard one leaves time to end the run cleanly.
GRADING_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 600,
    "time_limit": 660,
}


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter, capped (Celery's retry_backoff, written out here
    because the task decides itself what happens when the retries are spent)."""
    ceiling = min(RETRY_BACKOFF_MAX_SECONDS, RETRY_BACKOFF_SECONDS * 2**retries)
    return random.uniform(0, ceiling)


def _execute_or_give_up(
    task: Any, *, execute: Callable[[], str], give_up: Callable[[str], object]
) -> str:
    """What both grading tasks do around their execution step: a misconfigured grader ends the
    run at once; an infrastructure error is retried with backoff until the task's retries are
    spent, then the run ends. `give_up(detail)` ends the run with the reason for the logs."""
    try:
        return execute()
    except (OperationalError, InterfaceError) as error:
        # The database dropped out (a restart, a failover): nothing of this try was written
        # but possibly the claim. Retried with backoff; past the cap, the watchdog sends it.
        if task.request.retries >= task.max_retries:
            raise
        raise task.retry(exc=error, countdown=retry_countdown(task.request.retries)) from None
    except SandboxError as error:
        give_up(f"The grader is misconfigured: {error}")
        return "failed"
    except GradingInfrastructureError as error:
        if task.request.retries >= task.max_retries:
            give_up(f"Gave up after {task.request.retries + 1} tries: {error}")
            return "failed"
        raise task.retry(exc=error, countdown=retry_countdown(task.request.retries)) from None


@shared_task(**GRADING_TASK_OPTIONS, max_retries=5)
def grade_run(self: Any, run_pk: int) -> str:
    """Grade one run. Infrastructure errors are retried; once the retries are spent the run
    fails with a plain message (it never stays queued for ever)."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return _execute_or_give_up(
        self,
        execute=lambda: grading_run_execute(
            run_pk=run_pk, redelivered=redelivered or self.request.retries > 0
        ),
        give_up=lambda detail: grading_run_give_up(run_pk=run_pk, detail=detail),
    )


@shared_task(**GRADING_TASK_OPTIONS, max_retries=3)
def practice_run(self: Any, practice_pk: int) -> str:
    """Run the visible tests of one practice run; retried like a grading, on infrastructure
    errors only, then failed with a plain message."""
    return _execute_or_give_up(
        self,
        execute=lambda: practice_run_execute(practice_pk=practice_pk),
        give_up=lambda detail: practice_run_give_up(practice_pk=practice_pk, detail=detail),
    )


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
