"""Academy's own Prometheus metrics, recorded where things happen (web processes, workers).

Multi-process: with PROMETHEUS_MULTIPROC_DIR set before prometheus_client is first imported,
each process (gunicorn worker, Celery prefork child) writes its samples to files in that folder
and the exposition adds them up. Every metric here is a Counter or a Histogram, which add up
across processes without a multiprocess mode; the gauges (queue depth, live workers) are read
at scrape time instead (monitoring/scrape.py). See README.md, "Watching it".
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# What became of one grading attempt. "graded": a verdict on code that ran to its end;
# "timed_out" / "out_of_memory": a verdict on code the sandbox stopped; "failed": the run ended
# FAILED (its retries spent, or a misconfigured grader); "infrastructure_error": an attempt
# that hit a grader-side error and went back for a retry.
OUTCOME_GRADED = "graded"
OUTCOME_TIMED_OUT = "timed_out"
OUTCOME_OUT_OF_MEMORY = "out_of_memory"
OUTCOME_FAILED = "failed"
OUTCOME_INFRASTRUCTURE_ERROR = "infrastructure_error"
OUTCOMES = (
    OUTCOME_GRADED,
    OUTCOME_TIMED_OUT,
    OUTCOME_OUT_OF_MEMORY,
    OUTCOME_FAILED,
    OUTCOME_INFRASTRUCTURE_ERROR,
)

# Gradings take from a second (warm CPU) to minutes (GPU exercises with long limits).
GRADING_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120, 300, 600)
START_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30)
WAIT_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

GRADING_SECONDS = Histogram(
    "academy_grading_seconds",
    "Time from a worker's claim of a grading run to its verdict, by runtime profile.",
    ["profile", "outcome"],
    buckets=GRADING_BUCKETS,
)
GRADING_OUTCOMES = Counter(
    "academy_grading_outcomes",
    "Grading attempts by what became of them (see monitoring/metrics.py).",
    ["profile", "outcome"],
)
SANDBOX_START_SECONDS = Histogram(
    "academy_sandbox_start_seconds",
    "Time for the sandbox to start a job (learner or tests), by runtime profile.",
    ["profile", "role"],
    buckets=START_BUCKETS,
)
WARM_POOL_RESTARTS = Counter(
    "academy_warm_pool_restarts",
    "Warm sandbox processes replaced because they died or stopped answering.",
    ["backend"],
)
QUEUE_WAIT_SECONDS = Histogram(
    "academy_queue_wait_seconds",
    "Time a grading run waited in the broker before a worker claimed it, by queue "
    '(queue="grading-gpu" is the GPU queue wait).',
    ["queue"],
    buckets=WAIT_BUCKETS,
)


def grading_observe(*, profile: str, outcome: str, seconds: float | None = None) -> None:
    """Count one grading attempt; its duration when it reached a verdict or an error."""
    GRADING_OUTCOMES.labels(profile=profile, outcome=outcome).inc()
    if seconds is not None:
        GRADING_SECONDS.labels(profile=profile, outcome=outcome).observe(max(seconds, 0.0))


def sandbox_start_observe(*, profile: str, role: str, seconds: float) -> None:
    SANDBOX_START_SECONDS.labels(profile=profile, role=role).observe(max(seconds, 0.0))


def warm_restart_count(backend: str) -> None:
    WARM_POOL_RESTARTS.labels(backend=backend).inc()


def queue_wait_observe(*, queue: str, seconds: float) -> None:
    QUEUE_WAIT_SECONDS.labels(queue=queue).observe(max(seconds, 0.0))
