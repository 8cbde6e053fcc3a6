"""No run is stranded, on the real stack: a task the broker lost is sent again by the watchdog
and graded by a real worker; a learner's flood waits its turn behind their share."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model

from grading import services
from grading.models import GradingRun
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.conftest import wait_for_run

pytestmark = pytest.mark.integration

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


def test_a_task_the_broker_lost_is_sent_again_and_graded(worker, exercise) -> None:
    from config.celery import app

    user = get_user_model().objects.create_user("lost", password="a-long-password-1")
    worker.kill()
    submission = services.submission_create(user=user, exercise=exercise, code={"answer": RIGHT})
    app.control.purge()  # the broker loses the task before any worker took it
    worker.start()
    time.sleep(1)
    assert GradingRun.objects.get(submission=submission).status == GradingRun.Status.QUEUED

    assert services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=0) == 1

    run = wait_for_run(submission.pk)
    assert (run.status, run.points, run.requeues, run.deliveries) == ("graded", 5.0, 1, 1)


def test_a_flood_from_one_learner_waits_behind_their_share(worker, exercise) -> None:
    # The worker process runs with the default share, GRADING_ACTIVE_PER_LEARNER=2.
    user = get_user_model().objects.create_user("flood", password="a-long-password-1")
    submissions = [
        services.submission_create(user=user, exercise=exercise, code={"answer": RIGHT})
        for _ in range(5)
    ]
    most_waiting = 0
    deadline = time.monotonic() + 90
    while GradingRun.objects.exclude(status__in=["graded", "failed"]).exists():
        assert time.monotonic() < deadline, "the flood was not graded in time"
        active = GradingRun.objects.filter(status__in=["queued", "running"]).count()
        assert active <= 2
        most_waiting = max(most_waiting, GradingRun.objects.filter(status="waiting").count())
        time.sleep(0.02)
    assert most_waiting >= 1
    # Each ending let the next one in, with no watchdog: all five ended graded.
    runs = [wait_for_run(submission.pk) for submission in submissions]
    assert [(run.status, run.points) for run in runs] == [("graded", 5.0)] * 5
