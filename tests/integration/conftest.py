"""The real stack: PostgreSQL, the Redis broker, a Celery worker process, the bwrap sandbox.

These tests commit data (transaction=True) so the worker, a separate process, can see it. They
need DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis), which `make test` sets.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.grading.exercise_factory import make_exercise

ROOT = Path(__file__).resolve().parents[2]


def _require_real_services() -> None:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip(
            "needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis): run `make test`"
        )


class Worker:
    def __init__(
        self, queues: str = "grading,default", extra_environment: dict[str, str] | None = None
    ) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.log = ROOT / "var" / "test-worker.log"
        self.queues = queues
        self.extra_environment = extra_environment or {}
        self.log_start = 0

    def start(self) -> None:
        self.log.parent.mkdir(exist_ok=True)
        log_start = self.log.stat().st_size if self.log.exists() else 0
        self.log_start = log_start
        database = connection.settings_dict
        environment = dict(os.environ)
        environment["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        )
        environment["GRADING_SUBMISSIONS_PER_HOUR"] = "0"
        environment.update(self.extra_environment)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                self.queues,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_ready(log_start)

    def _wait_until_ready(self, log_start: int, seconds: float = 90) -> None:
        """Block until this worker logs that it is ready, so a test's first submission does not
        race the worker's start (several seconds of imports on a loaded machine)."""
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.log.open("rb") as log:
                log.seek(log_start)
                if b" ready." in log.read():
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited early; see {self.log}")
            time.sleep(0.1)
        raise RuntimeError(f"the Celery worker was not ready within {seconds} s; see {self.log}")

    def log_text(self) -> str:
        """What this worker has logged since it started."""
        with self.log.open("rb") as log:
            log.seek(self.log_start)
            return log.read().decode("utf-8", "replace")

    def children(self) -> list[int]:
        assert self.process is not None
        output = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in output.split()]

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The worker's main process stopped (SIGSTOP), then continued: a task sent meanwhile
        waits, undelivered to the pool, so a page can be seen with its run still queued however
        quickly the grading would have finished."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None


@pytest.fixture
def worker(transactional_db: None) -> Iterator[Worker]:
    _require_real_services()
    from config.celery import app

    app.control.purge()
    running = Worker()
    running.start()
    yield running
    running.kill()


@pytest.fixture
def exercise(transactional_db: None, tmp_path: Path):
    return make_exercise(tmp_path)


def wait_for_run(submission_pk: int, seconds: float = 90) -> object:
    from grading.models import GradingRun

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = GradingRun.objects.filter(submission_id=submission_pk).order_by("-number").first()
        if run is not None and run.is_finished:
            return run
        time.sleep(0.1)
    raise AssertionError("the submission was not graded in time; see var/test-worker.log")
