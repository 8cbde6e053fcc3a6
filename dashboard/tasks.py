"""Celery tasks of the dashboard: they take primary keys and are safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from dashboard.services import similarity_run_compute, similarity_run_fail
from grading.tasks import retry_countdown


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=300,
    time_limit=330,
    max_retries=3,
)
def similarity_compute(self: Any, run_pk: int) -> str:
    """Compute one exercise's similarity report (queue `default`). A claimed row is computed
    once; a redelivery takes over a run whose worker died."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return similarity_run_compute(
            run_pk=run_pk, redelivered=redelivered or self.request.retries > 0
        )
    except (OperationalError, InterfaceError) as error:
        if self.request.retries >= self.max_retries:
            similarity_run_fail(run_pk=run_pk, error=f"The database was unreachable: {error}")
            raise
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from None
    except SoftTimeLimitExceeded:
        similarity_run_fail(run_pk=run_pk, error="The comparison took longer than 300 seconds.")
        return "failed"
