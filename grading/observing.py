"""What grading tells the monitoring: a grading's metrics and its log line, once it has a
verdict (the worker's JSON log line carries the request and run ids bound around it)."""

from __future__ import annotations

import logging

from grading.pipeline import GradingOutcome
from monitoring import metrics

logger = logging.getLogger(__name__)


def record_grading_metrics(*, profile: str, outcome: GradingOutcome) -> None:
    """The metrics of one grading that reached a verdict, and its log line."""
    ending = {
        "timed_out": metrics.OUTCOME_TIMED_OUT,
        "out_of_memory": metrics.OUTCOME_OUT_OF_MEMORY,
    }.get(outcome.ending, metrics.OUTCOME_GRADED)
    metrics.grading_observe(profile=profile, outcome=ending, seconds=outcome.timings.get("total"))
    for role in ("learner", "tester"):
        seconds = outcome.timings.get(f"{role}_start")
        if seconds is not None:
            metrics.sandbox_start_observe(profile=profile, role=role, seconds=seconds)
    logger.info(
        "grading finished",
        extra={
            "profile": profile,
            "outcome": ending,
            "points": outcome.points,
            "max_points": outcome.max_points,
            "seconds": round(outcome.timings.get("total", 0.0), 3),
        },
    )
