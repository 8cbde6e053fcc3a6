"""Monitoring with the real stack: a web request's id in the worker's log lines for the grading
it queued, the heartbeat a real worker writes, and a GPU worker on a machine without a GPU."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from grading.models import Submission
from monitoring.models import WorkerHeartbeat
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.conftest import Worker, _require_real_services, wait_for_run

pytestmark = pytest.mark.integration

NO_GPU_HERE = pytest.mark.skipif(
    os.path.exists("/dev/nvidia0"), reason="this machine has a GPU: bench/gpu_check.sh checks it"
)
RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


def _json_lines(text: str) -> list[dict[str, object]]:
    lines = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            lines.append(value)
    return lines


def _wait_for(predicate, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the condition did not come true in time")


def test_the_request_id_reaches_the_worker_log_of_the_grading_it_queued(worker, exercise) -> None:
    user = get_user_model().objects.create_user("ada", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    request_id = uuid.uuid4().hex
    response = client.post(
        "/exercises/test-course/stable-softmax/submit/",
        {"code-answer": RIGHT},
        HTTP_X_REQUEST_ID=request_id,
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == request_id
    submission = Submission.objects.get(user=user)
    run = wait_for_run(submission.pk)
    assert run.points == 5.0

    def finished_line():
        return [
            line
            for line in _json_lines(worker.log_text())
            if line.get("event") == "grading finished"
        ]

    (line,) = _wait_for(finished_line)
    assert line["request_id"] == request_id
    assert line["user_id"] == user.pk
    assert line["grading_run_id"] == run.pk
    assert line["outcome"] == "graded"
    assert line["profile"] == "python-cpu"
    assert line["level"] == "info"
    # The worker's start-up lines are JSON too, with no request's context.
    ready = [line for line in _json_lines(worker.log_text()) if " ready." in str(line["event"])]
    assert ready and "request_id" not in ready[0]


def test_a_worker_writes_its_heartbeat_and_removes_it_when_it_stops(worker) -> None:
    heartbeat = _wait_for(lambda: WorkerHeartbeat.objects.first())
    assert heartbeat.queues == ["default", "grading"]
    assert heartbeat.gpu_checked is False
    client = Client()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    worker.process.terminate()  # a warm shutdown, as Compose's stop sends
    worker.process.wait(timeout=60)
    worker.process = None
    assert WorkerHeartbeat.objects.count() == 0
    assert client.get("/readyz").json()["checks"]["workers:grading"] == (
        "no live worker consumes the 'grading' queue"
    )


@pytest.fixture
def gpu_worker_without_gpu(transactional_db):
    _require_real_services()
    from config.celery import app

    app.control.purge()
    running = Worker(queues="grading-gpu,default", extra_environment={"SANDBOX_GPUS": "1"})
    running.start()
    yield running
    running.kill()


@NO_GPU_HERE
def test_a_gpu_worker_without_a_gpu_refuses_the_gpu_queue_and_says_why(
    gpu_worker_without_gpu,
) -> None:
    heartbeat = _wait_for(lambda: WorkerHeartbeat.objects.first())
    assert heartbeat.queues == ["default"]
    assert (heartbeat.gpu_checked, heartbeat.gpu_passed) == (True, False)
    assert "/dev/nvidia0" in heartbeat.gpu_detail
    refusal = [
        line
        for line in _json_lines(gpu_worker_without_gpu.log_text())
        if str(line.get("event", "")).startswith("GPU check failed")
    ]
    assert refusal and refusal[0]["level"] == "error"
    assert "will not consume grading-gpu" in str(refusal[0]["event"])
    assert "/dev/nvidia0" in str(refusal[0]["event"])
