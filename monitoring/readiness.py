"""Readiness: the database answers, the broker answers, and every queue that must be served
(MONITORING_READY_QUEUES) has at least one live worker (a fresh heartbeat)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection

from monitoring.scrape import queue_depths
from monitoring.selectors import workers_alive_by_queue


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)  # name -> "ok" or what is wrong

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())

    def as_json(self) -> dict[str, object]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks}


def readiness() -> Readiness:
    report = Readiness()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report.checks["database"] = "ok"
    except DatabaseError as error:
        report.checks["database"] = f"the database did not answer: {error}"
        # Without the database the heartbeats cannot be read either.
        for queue in settings.MONITORING_READY_QUEUES:
            report.checks[f"workers:{queue}"] = "unknown: the database did not answer"
    broker = queue_depths(queues=[])
    report.checks["broker"] = (
        "ok" if broker.broker_up else f"the broker did not answer: {broker.error}"
    )
    if report.checks["database"] == "ok":
        alive = workers_alive_by_queue()
        for queue in settings.MONITORING_READY_QUEUES:
            count = alive.get(queue, 0)
            report.checks[f"workers:{queue}"] = (
                "ok" if count > 0 else f"no live worker consumes the {queue!r} queue"
            )
    return report
