"""Writes of the monitoring app: a worker's heartbeat."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from monitoring.models import WorkerHeartbeat


def heartbeat_record(
    *,
    hostname: str,
    queues: Iterable[str],
    gpu_checked: bool = False,
    gpu_passed: bool = False,
    gpu_detail: str = "",
) -> WorkerHeartbeat:
    """Say that this worker is alive now and what it consumes (one row per worker, in place)."""
    now = timezone.now()
    with transaction.atomic():
        heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
            hostname=hostname,
            defaults={
                "queues": sorted(set(queues)),
                "gpu_checked": gpu_checked,
                "gpu_passed": gpu_passed,
                "gpu_detail": gpu_detail[:4000],
                "beat_at": now,
            },
            create_defaults={
                "queues": sorted(set(queues)),
                "gpu_checked": gpu_checked,
                "gpu_passed": gpu_passed,
                "gpu_detail": gpu_detail[:4000],
                "beat_at": now,
                "started_at": now,
            },
        )
    return heartbeat


def heartbeat_remove(*, hostname: str) -> None:
    """A worker that stops cleanly takes its row away at once (no wait for it to go stale)."""
    WorkerHeartbeat.objects.filter(hostname=hostname).delete()
