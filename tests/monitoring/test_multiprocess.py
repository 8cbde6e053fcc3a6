"""Metrics add up across processes: gunicorn with several workers behind one /metrics, and a
Celery worker's prefork child behind the worker's own metrics port (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from grading.models import Submission
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.conftest import Worker, _require_real_services, wait_for_run

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "multiprocess-test-token-0123456789abcdef"
RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # A bound, not a speed check: with --max-requests 5 a request may wait for a replaced
    # worker process to load Django, which takes several seconds on a loaded machine.
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=90) as reply:
        return reply.read().decode()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited early")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def _sample(text: str, start: str) -> float:
    """The value of the one exposition line that starts with `start`."""
    (line,) = [line for line in text.splitlines() if line.startswith(start)]
    return float(line.rsplit(" ", 1)[1])


def _database_url() -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_add_up_behind_one_metrics_page(tmp_path: Path) -> None:
    _require_real_services()
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": TOKEN,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        # Each worker process is replaced after 5 requests: the 30 below are then served by
        # several processes for certain (samples of the replaced ones stay in the folder).
        + ["--workers", "2", "--max-requests", "5", "--log-level", "warning"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/healthz", server)
        for _ in range(30):
            _get(f"{base}/healthz")
        body = _get(f"{base}/metrics", TOKEN)
        healthz = (
            'django_http_responses_total_by_status_view_method_total{method="GET",status="200",'
            'view="healthz"}'
        )
        # 30 asked here and those of the start-up wait: at least 31, in one sum over processes.
        assert _sample(body, healthz) >= 31
        assert len(list(metrics_dir.glob("counter_*.db"))) >= 6
        assert "academy_grading_queue_depth" in body
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"{base}/metrics")
        assert refused.value.code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_celery_worker_serves_its_childrens_metrics_on_its_port(
    transactional_db, tmp_path: Path
) -> None:
    _require_real_services()
    from config.celery import app
    from tests.grading.exercise_factory import make_exercise

    make_exercise(tmp_path)
    app.control.purge()
    port = _free_port()
    worker = Worker(
        extra_environment={
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "worker-metrics"),
            "MONITORING_WORKER_METRICS_PORT": str(port),
            "MONITORING_WORKER_METRICS_ADDRESS": "127.0.0.1",
        }
    )
    worker.start()
    try:
        user = get_user_model().objects.create_user("ada", password="a-long-password-1")
        client = Client()
        client.force_login(user)
        client.post("/exercises/test-course/stable-softmax/submit/", {"code-answer": RIGHT})
        run = wait_for_run(Submission.objects.get(user=user).pk)
        assert run.points == 5.0
        body = _get(f"http://127.0.0.1:{port}/metrics")
        assert (
            _sample(
                body,
                'academy_grading_outcomes_total{outcome="graded",profile="python-cpu"}',
            )
            == 1.0
        )
        assert (
            _sample(body, 'academy_grading_seconds_count{outcome="graded",profile="python-cpu"}')
            == 1.0
        )
        assert _sample(body, 'academy_queue_wait_seconds_count{queue="grading"}') == 1.0
    finally:
        worker.kill()
