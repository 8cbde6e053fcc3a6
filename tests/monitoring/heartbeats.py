"""Worker heartbeats written as a worker writes them, fresh or aged, for the tests that route or
report by them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from monitoring.models import WorkerHeartbeat
from monitoring.services import heartbeat_record


def beat(hostname: str, queues: list[str], *, age_seconds: float = 0, **gpu: object):
    heartbeat = heartbeat_record(hostname=hostname, queues=queues, **gpu)  # type: ignore[arg-type]
    if age_seconds:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            beat_at=timezone.now() - timedelta(seconds=age_seconds)
        )
    return heartbeat


def gpu_worker(*, age_seconds: float = 0):
    """A GPU worker whose GPU check passed: it consumes the GPU queue."""
    return beat(
        "gpu@host",
        ["grading-gpu"],
        age_seconds=age_seconds,
        gpu_checked=True,
        gpu_passed=True,
        gpu_detail="torch runs on a test GPU",
    )
