"""Nothing in grading assumes one host: the watchdog judges runs by the database's clock, so a
worker or web host whose clock is off neither strands a run nor gets a running one sent again.

Each host is played by this process with `timezone.now` moved (the host clock is the outside
world here); the database, its clock and the services are the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from grading import execution, services
from grading.models import Exercise, GradingRun
from tests.grading.exercise_factory import make_exercise

HOUR = timedelta(hours=1)


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


@contextmanager
def host_clock(offset: timedelta) -> Iterator[None]:
    """Run the block as if on a host whose clock is `offset` away from the database's."""
    real_now = timezone.now
    with mock.patch("django.utils.timezone.now", lambda: real_now() + offset):
        yield


def _queued_run(exercise: Exercise, *, offset: timedelta) -> GradingRun:
    user = get_user_model().objects.create_user(f"skew{offset}", password="a-long-password-1")
    with host_clock(offset), mock.patch.object(services, "enqueue"):
        submission = services.submission_create(
            user=user, exercise=exercise, code={"answer": "x = 1"}
        )
    return GradingRun.objects.get(submission=submission)


@pytest.mark.django_db
def test_a_run_claimed_on_a_host_whose_clock_is_slow_is_not_taken_for_stuck(exercise) -> None:
    run = _queued_run(exercise, offset=timedelta(0))
    with host_clock(-HOUR):  # the worker's host
        token = execution.grading_run_claim(run_pk=run.pk, redelivered=False)
    assert token is not None

    with mock.patch.object(services, "enqueue") as enqueue:  # the beat's host, clock right
        requeued = services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=300)

    run.refresh_from_db()
    assert (requeued, run.status, run.claim_token, run.requeues) == (0, "running", token, 0)
    enqueue.assert_not_called()


@pytest.mark.django_db
def test_a_run_queued_on_a_host_whose_clock_is_slow_is_not_taken_for_lost(exercise) -> None:
    run = _queued_run(exercise, offset=-HOUR)  # the web host

    with mock.patch.object(services, "enqueue"):
        requeued = services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=300)

    run.refresh_from_db()
    assert (requeued, run.status, run.requeues) == (0, "queued", 0)


@pytest.mark.django_db
def test_the_watchdog_on_a_host_whose_clock_is_fast_strands_nothing_it_should_not(
    exercise,
) -> None:
    run = _queued_run(exercise, offset=timedelta(0))
    execution.grading_run_claim(run_pk=run.pk, redelivered=False)

    with host_clock(HOUR), mock.patch.object(services, "enqueue"):  # the beat's host
        requeued = services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=300)

    run.refresh_from_db()
    assert (requeued, run.status, run.requeues) == (0, "running", 0)


@pytest.mark.django_db
def test_a_run_claimed_long_ago_by_the_database_clock_is_still_sent_again(exercise) -> None:
    run = _queued_run(exercise, offset=timedelta(0))
    execution.grading_run_claim(run_pk=run.pk, redelivered=False)
    GradingRun.objects.filter(pk=run.pk).update(claimed_at=timezone.now() - HOUR)

    with mock.patch.object(services, "enqueue"):
        requeued = services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=300)

    run.refresh_from_db()
    assert (requeued, run.status, run.requeues) == (1, "queued", 1)
