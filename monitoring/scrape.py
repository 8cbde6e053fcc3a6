"""Values read when Prometheus scrapes, not kept by any process: the depth of each grading queue
(asked of the broker) and the workers alive per queue (their heartbeats).

Bounded: a fixed list of queues (MONITORING_QUEUES), a connect and socket timeout on the broker
(MONITORING_BROKER_TIMEOUT_SECONDS), one query for the heartbeats. A broker that does not answer
gives academy_broker_up 0 and no depth, never a hung scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from amqp.exceptions import ChannelError
from django.conf import settings
from kombu import Connection
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitoring.selectors import heartbeats_fresh

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueDepths:
    broker_up: bool
    depths: dict[str, int]
    error: str = ""


def queue_depths(queues: Iterable[str] | None = None) -> QueueDepths:
    """How many messages wait in each queue, read from the broker now."""
    names = list(settings.MONITORING_QUEUES if queues is None else queues)
    timeout: float = settings.MONITORING_BROKER_TIMEOUT_SECONDS
    depths: dict[str, int] = {}
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=timeout,
            transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout},
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
            channel: Any = connection.default_channel
            for name in names:
                try:
                    depths[name] = int(channel.queue_declare(queue=name, passive=True)[1])
                except ChannelError:
                    # Never declared on this broker: nothing was ever sent to it or taken from it.
                    depths[name] = 0
                    channel = connection.channel()
    except Exception as error:  # any transport's connection error: the broker is down
        logger.warning("the broker did not answer for the queue depths: %s", error)
        return QueueDepths(broker_up=False, depths={}, error=str(error))
    return QueueDepths(broker_up=True, depths=depths)


class ScrapeTimeCollector(Collector):
    """The gauges of this module, computed on each collect()."""

    def collect(self) -> Iterator[Metric]:
        found = queue_depths()
        broker_up = GaugeMetricFamily(
            "academy_broker_up", "Whether the broker answered this scrape (1) or not (0)."
        )
        broker_up.add_metric([], 1.0 if found.broker_up else 0.0)
        yield broker_up
        depth = GaugeMetricFamily(
            "academy_grading_queue_depth",
            "Messages waiting in each Celery queue, read from the broker at scrape time.",
            labels=["queue"],
        )
        for queue, count in sorted(found.depths.items()):
            depth.add_metric([queue], float(count))
        yield depth
        yield from _worker_metrics()


def _worker_metrics() -> Iterator[Metric]:
    heartbeats = heartbeats_fresh()
    alive = GaugeMetricFamily(
        "academy_workers_alive",
        "Workers whose heartbeat is fresh, by queue they consume.",
        labels=["queue"],
    )
    counts: dict[str, int] = {queue: 0 for queue in settings.MONITORING_QUEUES}
    for heartbeat in heartbeats:
        for queue in heartbeat.queues:
            counts[str(queue)] = counts.get(str(queue), 0) + 1
    for queue, count in sorted(counts.items()):
        alive.add_metric([queue], float(count))
    yield alive
    gpu = GaugeMetricFamily(
        "academy_worker_gpu_check_passed",
        "For each live worker that ran the GPU check: 1 if it passed, 0 if it refused the GPU "
        "queue.",
        labels=["hostname"],
    )
    for heartbeat in heartbeats:
        if heartbeat.gpu_checked:
            gpu.add_metric([heartbeat.hostname], 1.0 if heartbeat.gpu_passed else 0.0)
    yield gpu
