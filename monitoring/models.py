"""One row per running Celery worker, rewritten every few seconds by the worker itself."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker's last sign of life: which queues it consumes and whether its GPU check passed.

    A worker on any host writes its own row (keyed by its Celery hostname, unique across hosts),
    so the web and the watchdog see every worker through the shared database. A row whose
    `beat_at` is older than MONITORING_HEARTBEAT_STALE_SECONDS is a worker that is gone.
    """

    hostname = models.CharField(max_length=255, unique=True)
    queues = models.JSONField(default=list)  # the queues it consumes now
    gpu_checked = models.BooleanField(default=False)  # it ran the GPU check
    gpu_passed = models.BooleanField(default=False)
    gpu_detail = models.TextField(blank=True)  # the check's words, for operators
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}: {', '.join(self.queues)} at {self.beat_at:%H:%M:%S}"
