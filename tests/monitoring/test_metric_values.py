"""Our metrics count what happened: gradings by outcome and profile with their latency, sandbox
start times, queue waits, warm-pool restarts, and the queue depth read from the real broker."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from kombu import Connection
from prometheus_client import REGISTRY

from grading import services
from grading.tasks import grade_run
from monitoring.scrape import queue_depths
from sandbox.backends.bwrap import BwrapSandbox
from sandbox.jobs import Job
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import SOFTMAX_SOLUTION, answer_cell, grade_cell, notebook

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _grade(learner, exercise, code: str) -> str:
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": code})
    run = submission.runs.get()
    return str(grade_run.apply(args=(run.pk,)).get())


@pytest.fixture
def no_enqueue(monkeypatch) -> None:
    """The test runs the task itself (grade_run.apply); nothing goes to a broker."""
    monkeypatch.setattr(services, "enqueue", lambda run: None)


def test_a_graded_run_counts_its_outcome_latency_start_times_and_wait(
    db, tmp_path, learner, no_enqueue
) -> None:
    exercise = make_exercise(tmp_path)
    cpu = {"profile": "python-cpu"}
    before = {
        "graded": sample("academy_grading_outcomes_total", **cpu, outcome="graded"),
        "latency": sample("academy_grading_seconds_count", **cpu, outcome="graded"),
        "learner_start": sample("academy_sandbox_start_seconds_count", **cpu, role="learner"),
        "tester_start": sample("academy_sandbox_start_seconds_count", **cpu, role="tester"),
        "wait": sample("academy_queue_wait_seconds_count", queue="grading"),
    }
    assert _grade(learner, exercise, RIGHT) == "graded"
    after = {
        "graded": sample("academy_grading_outcomes_total", **cpu, outcome="graded"),
        "latency": sample("academy_grading_seconds_count", **cpu, outcome="graded"),
        "learner_start": sample("academy_sandbox_start_seconds_count", **cpu, role="learner"),
        "tester_start": sample("academy_sandbox_start_seconds_count", **cpu, role="tester"),
        "wait": sample("academy_queue_wait_seconds_count", queue="grading"),
    }
    assert {key: after[key] - before[key] for key in before} == {key: 1.0 for key in before}
    assert sample("academy_grading_seconds_sum", **cpu, outcome="graded") > 0


def test_a_learner_timeout_counts_as_timed_out(db, tmp_path, learner, no_enqueue) -> None:
    exercise = make_exercise(tmp_path, limits={"wall_seconds": 2, "memory_mb": 512})
    labels = {"profile": "python-cpu", "outcome": "timed_out"}
    before = sample("academy_grading_outcomes_total", **labels)
    assert _grade(learner, exercise, "while True:\n    pass\n") == "graded"
    assert sample("academy_grading_outcomes_total", **labels) - before == 1.0


def test_infrastructure_errors_are_counted_per_try_and_the_give_up_as_failed(
    db, tmp_path, learner, no_enqueue
) -> None:
    source = notebook(
        answer_cell(SOFTMAX_SOLUTION), grade_cell("import os\nos._exit(3)", "test_dies", 1)
    )
    exercise = make_exercise(tmp_path, slug="broken", source=source)
    cpu = {"profile": "python-cpu"}
    errors = sample("academy_grading_outcomes_total", **cpu, outcome="infrastructure_error")
    failed = sample("academy_grading_outcomes_total", **cpu, outcome="failed")
    assert _grade(learner, exercise, RIGHT) == "failed"
    tries = grade_run.max_retries + 1
    assert (
        sample("academy_grading_outcomes_total", **cpu, outcome="infrastructure_error") - errors
        == tries
    )
    assert sample("academy_grading_outcomes_total", **cpu, outcome="failed") - failed == 1.0


@pytest.fixture
def warm() -> Iterator[BwrapSandbox]:
    sandbox = BwrapSandbox(python=settings.SANDBOX_PYTHON)
    yield sandbox
    sandbox.close()


def test_a_replaced_zygote_counts_as_a_warm_pool_restart(warm: BwrapSandbox) -> None:
    assert warm.run(Job(command=("python", "-c", "print(1)"))).stdout == b"1\n"
    zygote = warm.warm_pool.zygote
    assert zygote is not None
    before = sample("academy_warm_pool_restarts_total", backend="bwrap")
    os.kill(zygote.pid, signal.SIGSTOP)
    assert warm.run(Job(command=("python", "-c", "print(2)"))).stdout == b"2\n"
    assert sample("academy_warm_pool_restarts_total", backend="bwrap") - before == 1.0


def _require_redis() -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL (Redis): run `make test`")


def test_queue_depth_is_read_from_the_broker(settings) -> None:
    _require_redis()
    queue = f"depth-{uuid.uuid4().hex[:8]}"
    with Connection(settings.CELERY_BROKER_URL) as connection:
        simple = connection.SimpleQueue(queue)
        for number in range(3):
            simple.put({"n": number})
        try:
            found = queue_depths(queues=[queue, "never-used-queue"])
            assert found.broker_up is True
            assert found.depths == {queue: 3, "never-used-queue": 0}
            simple.get(timeout=5).ack()
            assert queue_depths(queues=[queue]).depths == {queue: 2}
        finally:
            simple.clear()
            simple.close()


def test_a_broker_that_does_not_answer_gives_broker_down_not_a_hung_scrape(settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.MONITORING_BROKER_TIMEOUT_SECONDS = 1.0
    found = queue_depths()
    assert (found.broker_up, found.depths) == (False, {})
    assert "127.0.0.1:1" in found.error
