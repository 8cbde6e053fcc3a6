"""Celery tasks of the grading app. They take primary keys and are safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from grading.pipeline import GradingInfrastructureError
from sandbox import SandboxError


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(GradingInfrastructureError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def grade_run(self: Any, run_pk: int) -> str:
    from grading.services import grading_run_execute, grading_run_fail

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return grading_run_execute(run_pk=run_pk, redelivered=redelivered)
    except SandboxError as error:
        grading_run_fail(run_pk=run_pk, message=f"The grader is misconfigured: {error}")
        return "failed"


@shared_task(acks_late=True)
def submissions_requeue_stuck() -> int:
    from grading.services import runs_requeue_stuck

    return runs_requeue_stuck(older_than_seconds=settings.GRADING_STUCK_AFTER_SECONDS)
