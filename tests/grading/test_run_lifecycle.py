"""No run is stranded: spent retries, lost tasks and vanished workers all end a run.

The Celery task runs eagerly here (`apply`, retries included, through the real task code) and the
grading itself goes through the real bubblewrap sandbox. The broker path with a real worker is
in tests/integration/test_run_lifecycle_stack.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from grading import execution, services
from grading.models import Exercise, GradingRun
from grading.tasks import grade_run
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import (
    SOFTMAX_SOLUTION,
    answer_cell,
    grade_cell,
    notebook,
    setup_cell,
)
from tests.grading.sends import grading_sends

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


@pytest.fixture
def broken_exercise(db, tmp_path) -> Exercise:
    """An exercise whose test sandbox always dies before its verdict: a failure no learner
    causes, which the grader reports as an infrastructure error every time."""
    source = notebook(
        setup_cell("import numpy as np"),
        answer_cell(SOFTMAX_SOLUTION),
        grade_cell("import os\nos._exit(3)", "test_dies", 1),
    )
    return make_exercise(tmp_path, slug="broken", source=source)


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks sent with apply_async run at once, in this process (the broker is not under test
    here; it is in tests/integration)."""
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_run_whose_retries_are_spent_fails_with_a_plain_message(
    broken_exercise, learner, staff_user
) -> None:
    submission = services.submission_create(
        user=learner, exercise=broken_exercise, code={"answer": RIGHT}
    )
    run = submission.runs.get()

    result = grade_run.apply(args=(run.pk,))

    assert result.get() == "failed"
    run.refresh_from_db()
    assert run.status == GradingRun.Status.FAILED
    assert run.status_message == execution.OUR_SIDE_MESSAGE
    assert run.deliveries == 6  # the first try and 5 retries
    assert run.finished_at is not None
    assert run.failure_detail.startswith(
        "Gave up after 6 tries: The test sandbox ended without a verdict"
    )
    page = f"/exercises/test-course/broken/submissions/{submission.pk}/"
    learner_page = _client(learner).get(page).content.decode()
    assert execution.OUR_SIDE_MESSAGE in learner_page
    assert "Gave up after" not in learner_page and "test sandbox" not in learner_page
    listing = _client(staff_user).get("/exercises/test-course/broken/all-submissions/")
    assert '<td class="status-failed">Failed: <span class="failure">Gave up after 6 tries: ' in (
        listing.content.decode()
    )
    assert "Gave up after 6 tries" in _client(staff_user).get(page).content.decode()


def test_a_lost_queued_run_is_sent_again_by_the_watchdog_and_graded(
    exercise, learner, eager, django_capture_on_commit_callbacks
) -> None:
    # Inside the test's transaction the on_commit that sends the task never runs: the task
    # is lost exactly as if the broker had dropped it.
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    run = submission.runs.get()
    GradingRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(minutes=6))

    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert services.runs_requeue_stuck(older_than_seconds=300) == 1

    assert len(grading_sends(sent)) == 1
    run.refresh_from_db()
    assert (run.status, run.requeues, run.deliveries) == (GradingRun.Status.GRADED, 1, 1)
    assert (run.points, run.max_points) == (5.0, 5.0)


def test_watchdog_leaves_a_recent_queued_run_alone(exercise, learner) -> None:
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    GradingRun.objects.update(queued_at=timezone.now() - timedelta(minutes=4))
    assert services.runs_requeue_stuck(older_than_seconds=300) == 0
    assert submission.runs.get().requeues == 0


@pytest.mark.parametrize("status", [GradingRun.Status.QUEUED, GradingRun.Status.RUNNING])
def test_a_run_requeued_too_many_times_fails(exercise, learner, status) -> None:
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    long_ago = timezone.now() - timedelta(minutes=10)
    GradingRun.objects.update(
        status=status,
        requeues=services.MAX_REQUEUES,
        deliveries=2 if status == GradingRun.Status.RUNNING else 0,
        queued_at=long_ago,
        claimed_at=long_ago if status == GradingRun.Status.RUNNING else None,
    )

    assert services.runs_requeue_stuck(older_than_seconds=300) == 0

    run = submission.runs.get()
    assert run.status == GradingRun.Status.FAILED
    assert run.status_message == execution.OUR_SIDE_MESSAGE
    claimed = 2 if status == GradingRun.Status.RUNNING else 0
    assert run.failure_detail == (
        f"The run was sent to the broker 4 times ({claimed} of them claimed by a worker) "
        "and never finished."
    )


def test_a_run_left_running_goes_back_with_a_fresh_token_and_is_counted(exercise, learner) -> None:
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    old_token = uuid.uuid4()
    long_ago = timezone.now() - timedelta(minutes=10)
    GradingRun.objects.update(
        status=GradingRun.Status.RUNNING, claim_token=old_token, claimed_at=long_ago
    )

    assert services.runs_requeue_stuck(older_than_seconds=300) == 1

    run = submission.runs.get()
    assert (run.status, run.requeues, run.claimed_at) == (GradingRun.Status.QUEUED, 1, None)
    assert run.claim_token != old_token
    assert run.queued_at > long_ago


def test_gpu_runs_without_gpu_workers_are_not_lost_runs(exercise, learner) -> None:
    exercise.device = Exercise.Device.REQUIRE_GPU
    exercise.save()
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    GradingRun.objects.update(queued_at=timezone.now() - timedelta(minutes=10))

    assert services.runs_requeue_stuck(older_than_seconds=300, gpu_wait_seconds=900) == 0

    run = submission.runs.get()
    assert (run.status, run.requeues) == (GradingRun.Status.QUEUED, 0)
