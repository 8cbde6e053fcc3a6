"""What monitoring hooks into: the sandbox's warm restarts and Celery's publish, task and
worker signals (log context, heartbeat, the GPU check, the worker's metrics port)."""

from __future__ import annotations

import logging
import logging.config
from typing import Any

import structlog
from celery.signals import (
    before_task_publish,
    celeryd_after_setup,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
    worker_ready,
    worker_shutdown,
)
from django.conf import settings

from monitoring import metrics, worker
from monitoring.logs import context_from_headers, headers_from_context
from sandbox.events import on_warm_restart

logger = logging.getLogger(__name__)


def connect() -> None:
    on_warm_restart(metrics.warm_restart_count)
    # weak=False: these module-level functions live as long as the process anyway.
    setup_logging.connect(_logging_from_settings, weak=False)
    before_task_publish.connect(_carry_context, weak=False)
    task_prerun.connect(_bind_task_context, weak=False)
    task_postrun.connect(_clear_task_context, weak=False)
    celeryd_after_setup.connect(_check_gpu_before_consuming, weak=False)
    worker_ready.connect(_worker_ready, weak=False)
    worker_shutdown.connect(_worker_shutdown, weak=False)
    worker_init.connect(_worker_init, weak=False)


def _logging_from_settings(**_: Any) -> None:
    """Celery leaves the logging alone when this signal has a receiver: the settings' LOGGING
    (JSON lines) then applies to the worker too."""
    logging.config.dictConfig(settings.LOGGING)


def _carry_context(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None:
        for key, value in headers_from_context().items():
            headers.setdefault(key, value)


def _bind_task_context(task_id: str = "", task: Any = None, **_: Any) -> None:
    structlog.contextvars.clear_contextvars()
    request = getattr(task, "request", None)
    found: dict[str, Any] = {}
    if request is not None:
        # Custom headers arrive as attributes of the request (and, by protocol 2, in .headers).
        found.update(context_from_headers(getattr(request, "headers", None) or {}))
        found.update(context_from_headers(vars(request)))
    structlog.contextvars.bind_contextvars(task_id=task_id, **found)


def _clear_task_context(**_: Any) -> None:
    structlog.contextvars.clear_contextvars()


def _check_gpu_before_consuming(sender: str = "", instance: Any = None, **_: Any) -> None:
    if instance is not None:
        worker.check_gpu_before_consuming(hostname=sender, app=instance.app)


def _worker_ready(sender: Any = None, **_: Any) -> None:
    hostname = str(getattr(sender, "hostname", "") or "")
    worker.start_heartbeat(hostname=hostname, app=sender.app)
    worker.start_metrics_server()


def _worker_shutdown(**_: Any) -> None:
    worker.stop_heartbeat()


def _worker_init(**_: Any) -> None:
    worker.clear_metrics_directory()
