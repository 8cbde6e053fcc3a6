"""Faults during grading, on the real stack with a private Redis: a worker SIGKILLed in the
middle of gradings and a broker restart. Afterwards every submission has exactly one grading,
finished and graded once, nothing is stuck, and what the learner's status page said meanwhile
was true (queued or running, never a made-up result)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from courseware.models import ExerciseProgress
from grading import services
from grading.models import Exercise, GradingRun, Submission
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.conftest import Worker, _require_real_services, wait_for_run
from tests.integration.private_services import PrivateRedis, celery_broker

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)
# Long enough for the test to see the run claimed and kill the worker while it grades.
SLOW_RIGHT = "import time\ntime.sleep(3)\n" + RIGHT
HONEST = {"queued", "running", "waiting", "graded"}


class Learners:
    """Learners who submit and watch their submission's status page, as the page polls it."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.seen: dict[int, set[str]] = {}
        self.clients: dict[int, Client] = {}

    def submit(self, name: str, code: str) -> Submission:
        user = get_user_model().objects.create_user(name, password="a-long-password-1")
        submission = services.submission_create(
            user=user, exercise=self.exercise, code={"answer": code}
        )
        client = Client()
        client.force_login(user)
        self.clients[submission.pk] = client
        self.seen[submission.pk] = set()
        return submission

    def look(self) -> None:
        for pk, client in self.clients.items():
            url = reverse(
                "grading:submission_status",
                args=(self.exercise.module.course.slug, self.exercise.slug, pk),
            )
            response = client.get(url)
            assert response.status_code == 200
            self.seen[pk].add(response.json()["status"])

    def watch_until(self, condition, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, "timed out; see var/test-worker.log"
            self.look()
            time.sleep(0.2)


def _status(submission: Submission) -> str:
    return GradingRun.objects.get(submission=submission).status


def test_a_killed_worker_and_a_broker_restart_leave_every_submission_graded_once(
    transactional_db, exercise, tmp_path: Path, monkeypatch
) -> None:
    _require_real_services()
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    worker = Worker()
    learners = Learners(exercise)
    try:
        with celery_broker(redis.url):
            worker.start()

            # 1. The pool process dies mid-grading: its message goes back to the queue
            # (acks_late, reject_on_worker_lost) and the worker's next process grades it.
            first = learners.submit("killed-child", SLOW_RIGHT)
            learners.watch_until(lambda: _status(first) == "running")
            children = worker.children()
            assert len(children) == 1
            os.kill(children[0], signal.SIGKILL)
            learners.watch_until(lambda: _status(first) == "graded")

            # 2. The whole worker dies mid-grading: nobody gives its message back before the
            # broker's visibility timeout, so the watchdog does, to a new worker.
            second = learners.submit("killed-worker", SLOW_RIGHT)
            learners.watch_until(lambda: _status(second) == "running")
            worker.kill()
            learners.look()
            worker.start()
            assert services.runs_requeue_stuck(older_than_seconds=0, lost_after_seconds=3600) == 1
            learners.watch_until(lambda: _status(second) == "graded")

            # 3. The broker restarts with work queued: the queue survives (append-only file),
            # the worker reconnects and grades what was queued before and sent after.
            worker.kill()
            before = [learners.submit(f"before-restart-{n}", RIGHT) for n in range(2)]
            redis.restart()
            worker.start()
            after = [learners.submit(f"after-restart-{n}", RIGHT) for n in range(2)]
            everything = [first, second, *before, *after]
            learners.watch_until(
                lambda: all(_status(submission) == "graded" for submission in everything)
            )
            learners.look()
    finally:
        worker.kill()
        redis.stop()

    runs = GradingRun.objects.filter(submission__in=everything).order_by("submission_id")
    assert [(run.status, run.points, run.number) for run in runs] == [("graded", 5.0, 1)] * 6
    deliveries = {run.submission_id: (run.deliveries, run.requeues) for run in runs}
    assert deliveries[first.pk] == (2, 0)
    assert deliveries[second.pk] == (2, 1)
    assert all(deliveries[submission.pk] == (1, 0) for submission in [*before, *after])
    progress = ExerciseProgress.objects.filter(exercise_key=exercise.slug)
    assert sorted(progress.values_list("best_points", flat=True)) == [5.0] * 6
    assert all(seen <= HONEST and "graded" in seen for seen in learners.seen.values())
    assert all(wait_for_run(submission.pk).status == "graded" for submission in everything)
