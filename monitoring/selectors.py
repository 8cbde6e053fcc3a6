"""Reads of the monitoring app: which workers are alive, and for which queues."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from monitoring.models import WorkerHeartbeat

GPU_QUEUE = "grading-gpu"


def heartbeats_fresh() -> list[WorkerHeartbeat]:
    """The workers that beat within MONITORING_HEARTBEAT_STALE_SECONDS."""
    stale_after: int = settings.MONITORING_HEARTBEAT_STALE_SECONDS
    since = timezone.now() - timedelta(seconds=stale_after)
    return list(WorkerHeartbeat.objects.filter(beat_at__gte=since).order_by("hostname"))


def workers_alive_by_queue() -> dict[str, int]:
    """How many live workers consume each queue (a queue nobody consumes is absent)."""
    counts: dict[str, int] = {}
    for heartbeat in heartbeats_fresh():
        for queue in heartbeat.queues:
            counts[str(queue)] = counts.get(str(queue), 0) + 1
    return counts


def gpu_workers_alive() -> bool:
    """Whether a live worker consumes the GPU queue. A worker whose GPU check failed does not
    consume it (it says so in its row), so it does not count."""
    return workers_alive_by_queue().get(GPU_QUEUE, 0) > 0
