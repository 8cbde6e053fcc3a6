"""The Celery worker's side of monitoring: the GPU check before consuming, the heartbeat
thread, and the worker's own metrics port.

Metrics, multi-process: a worker host runs one Celery main process and its prefork children;
with PROMETHEUS_MULTIPROC_DIR set, the children write their samples there and the main process
serves the sum on MONITORING_WORKER_METRICS_PORT (Prometheus scrapes each worker, as it scrapes
each web server's /metrics). Nothing is shared between hosts.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

from monitoring.selectors import GPU_QUEUE
from monitoring.services import heartbeat_record, heartbeat_remove
from sandbox.factory import build_sandbox
from sandbox.probe import GpuCheck, gpu_check

logger = logging.getLogger(__name__)


class _State:
    hostname = ""
    app: Any = None
    gpu: GpuCheck | None = None
    stop = threading.Event()
    thread: threading.Thread | None = None


STATE = _State()


def consumed_queues(app: Any) -> list[str]:
    """The queues this worker consumes now (after any deselect)."""
    queues = app.amqp.queues
    selected = queues.consume_from if queues.consume_from is not None else queues
    return sorted(str(name) for name in selected)


def check_gpu_before_consuming(*, hostname: str, app: Any) -> GpuCheck | None:
    """A worker told to consume the GPU queue first grades nothing: it runs the GPU probe in
    its own sandbox and, if the probe fails, stops consuming that queue and says why."""
    STATE.hostname = hostname
    STATE.app = app
    if GPU_QUEUE not in consumed_queues(app):
        return None
    sandbox = build_sandbox()
    try:
        result = gpu_check(sandbox, gpus=settings.SANDBOX_GPUS)
    finally:
        sandbox.close()
    STATE.gpu = result
    if result.passed:
        logger.info("GPU check passed; consuming %s: %s", GPU_QUEUE, result.detail)
    else:
        app.amqp.queues.deselect(GPU_QUEUE)
        logger.error(
            "GPU check failed: this worker will not consume %s: %s", GPU_QUEUE, result.detail
        )
    return result


def beat_once() -> None:
    """Write this worker's heartbeat now (the thread calls it every few seconds)."""
    gpu = STATE.gpu
    try:
        heartbeat_record(
            hostname=STATE.hostname,
            queues=consumed_queues(STATE.app),
            gpu_checked=gpu is not None,
            gpu_passed=bool(gpu and gpu.passed),
            gpu_detail=gpu.detail if gpu is not None else "",
        )
    except DatabaseError as error:  # the database is down or not migrated yet: try again later
        logger.warning("could not write the worker heartbeat: %s", error)


def _beat_forever() -> None:
    interval: float = settings.MONITORING_HEARTBEAT_SECONDS
    while not STATE.stop.is_set():
        beat_once()
        # The thread's own connection: not held open between beats (one per worker host
        # otherwise, idle nearly all the time).
        connection.close()
        STATE.stop.wait(interval)


def start_heartbeat(*, hostname: str, app: Any) -> None:
    STATE.hostname = hostname or STATE.hostname
    STATE.app = app
    STATE.stop.clear()
    STATE.thread = threading.Thread(target=_beat_forever, name="heartbeat", daemon=True)
    STATE.thread.start()


def stop_heartbeat() -> None:
    STATE.stop.set()
    if STATE.thread is not None:
        STATE.thread.join(timeout=5)
        STATE.thread = None
    if STATE.hostname:
        try:
            heartbeat_remove(hostname=STATE.hostname)
        except DatabaseError as error:  # it goes stale on its own
            logger.warning("could not remove the worker heartbeat: %s", error)
        finally:
            connection.close()


def clear_metrics_directory() -> None:
    """A worker's multiprocess folder starts empty: samples of an earlier run (whose pids may be
    reused) must not add to this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)


def start_metrics_server() -> None:
    port: int = settings.MONITORING_WORKER_METRICS_PORT
    if port <= 0:
        return
    registry: CollectorRegistry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.MONITORING_WORKER_METRICS_ADDRESS, registry=registry)
    logger.info("worker metrics on port %s", port)
