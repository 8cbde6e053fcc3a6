"""A fair queue: a few gradings per learner in the broker at once, the rest wait their turn; an
hourly limit that holds under parallel posts; and the learner sees their place in line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from courseware.errors import ApplicationError
from grading import execution, services
from grading.models import Exercise, GradingRun, Submission
from grading.selectors import RunPlace, run_place
from tests.courseware.factories import UserFactory
from tests.courseware.test_concurrency import run_together
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.grading.sends import grading_sends
from tests.monitoring.heartbeats import gpu_worker

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _submit(user, exercise: Exercise, code: str = "x = 1") -> GradingRun:
    return services.submission_create(
        user=user, exercise=exercise, code={"answer": code}
    ).runs.get()


def _statuses(user) -> list[str]:
    return list(
        GradingRun.objects.filter(submission__user=user)
        .order_by("submission__created_at", "submission__pk")
        .values_list("status", flat=True)
    )


def test_a_learner_has_at_most_their_share_in_the_broker(
    exercise, learner, other_learner, settings, django_capture_on_commit_callbacks
) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    with django_capture_on_commit_callbacks() as sent:
        for _ in range(5):
            _submit(learner, exercise)
        _submit(other_learner, exercise)

    assert _statuses(learner) == ["queued", "queued", "waiting", "waiting", "waiting"]
    assert _statuses(other_learner) == ["queued"]
    assert len(grading_sends(sent)) == 3  # two of the learner's tasks and the other learner's one


def test_an_ended_run_lets_the_learners_next_waiting_run_in(
    exercise, learner, settings, django_capture_on_commit_callbacks
) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    runs = [_submit(learner, exercise, RIGHT) for _ in range(4)]
    before = GradingRun.objects.get(pk=runs[2].pk).queued_at

    with django_capture_on_commit_callbacks() as sent:
        assert execution.grading_run_execute(run_pk=runs[0].pk) == "graded"
    assert _statuses(learner) == ["graded", "queued", "queued", "waiting"]
    assert len(grading_sends(sent)) == 1
    assert GradingRun.objects.get(pk=runs[2].pk).queued_at > before  # its place counts from now

    with django_capture_on_commit_callbacks() as sent:
        execution.grading_run_fail(run_pk=runs[1].pk, message="stopped")
    assert _statuses(learner) == ["graded", "failed", "queued", "queued"]
    assert len(grading_sends(sent)) == 1


def test_the_watchdog_promotes_waiting_runs_with_room(exercise, learner, settings) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 1
    for _ in range(3):
        _submit(learner, exercise)
    assert _statuses(learner) == ["queued", "waiting", "waiting"]
    settings.GRADING_ACTIVE_PER_LEARNER = 2

    assert services.runs_requeue_stuck(older_than_seconds=300) == 0

    assert _statuses(learner) == ["queued", "queued", "waiting"]


def test_a_regrade_waits_its_turn_too(exercise, learner, settings) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    first, second = _submit(learner, exercise), _submit(learner, exercise)
    regrade = services.submission_regrade(submission=first.submission)
    assert (regrade.number, regrade.status) == (2, GradingRun.Status.WAITING)
    assert second.status == GradingRun.Status.QUEUED


def test_places_in_line_are_counted_exactly(
    exercise, learner, other_learner, settings, tmp_path
) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    gpu_worker()
    late = UserFactory(username="late")
    first = _submit(other_learner, exercise)
    mine = [_submit(learner, exercise) for _ in range(4)]
    last = _submit(late, exercise)
    gpu_exercise = make_exercise(tmp_path / "gpu", slug="gpu-softmax", device="require-gpu")
    gpu_run = _submit(late, gpu_exercise)  # another queue: not ahead of anyone on the CPU

    def places() -> list[RunPlace | None]:
        return [
            run_place(GradingRun.objects.get(pk=run.pk)) for run in [first, *mine, last, gpu_run]
        ]

    assert places() == [
        RunPlace("queued", 0),
        RunPlace("queued", 1),
        RunPlace("queued", 2),
        RunPlace("waiting", 2),
        RunPlace("waiting", 3),
        RunPlace("queued", 3),
        RunPlace("queued", 0),
    ]
    assert execution.grading_run_claim(run_pk=mine[0].pk, redelivered=False) is not None
    assert places() == [
        RunPlace("queued", 0),
        None,  # running
        RunPlace("queued", 1),
        RunPlace("waiting", 2),  # its own running and queued runs are still ahead
        RunPlace("waiting", 3),
        RunPlace("queued", 2),
        RunPlace("queued", 0),
    ]


def test_the_learner_sees_their_place_on_the_page_and_in_the_api(
    exercise, learner, other_learner, settings
) -> None:
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    _submit(other_learner, exercise)
    runs = [_submit(learner, exercise) for _ in range(3)]
    client = Client()
    client.force_login(learner)

    queued_page = client.get(
        f"/exercises/test-course/stable-softmax/submissions/{runs[1].submission_id}/"
    )
    waiting_page = client.get(
        f"/exercises/test-course/stable-softmax/submissions/{runs[2].submission_id}/"
    )
    api = client.get(f"/api/grading/submissions/{runs[2].submission_id}/").json()

    assert (
        '<p class="notice" id="place" data-ahead="2">Queued: position 3 in line (2 gradings '
        "ahead).</p>" in queued_page.content.decode()
    )
    waiting_text = (
        "Waiting: 2 of your submissions ahead. At most 2 of your submissions are graded at a "
        "time, so everyone&#x27;s work is graded promptly."
    )
    assert waiting_text in waiting_page.content.decode()
    assert api["status"] == "waiting"
    assert api["place"] == {
        "status": "waiting",
        "ahead": 2,
        "position": 3,
        "text": waiting_text.replace("&#x27;", "'"),
    }


concurrent = pytest.mark.django_db(transaction=True)


@concurrent
def test_the_hourly_limit_holds_under_forty_parallel_posts(tmp_path, settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes the whole database")
    settings.GRADING_SUBMISSIONS_PER_HOUR = 30
    # Nothing enters the broker in this test: every run waits (the share is what is counted).
    settings.GRADING_ACTIVE_PER_LEARNER = 2
    exercise = make_exercise(tmp_path)
    user = UserFactory(username="racer")
    GradingRun.objects.create(
        submission=Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=Submission.Kind.CODE,
            payload="x",
            answers={"answer": "x"},
            created_at=timezone.now() - timedelta(hours=2),
        ),
        status=GradingRun.Status.RUNNING,
    )
    GradingRun.objects.create(
        submission=Submission.objects.filter(user=user).get(),
        number=2,
        status=GradingRun.Status.RUNNING,
    )
    Submission.objects.update(created_at=timezone.now() - timedelta(hours=2))

    results = run_together(
        40,
        lambda: services.submission_create(user=user, exercise=exercise, code={"answer": "x=1"}),
    )

    refused = [result for result in results if isinstance(result, ApplicationError)]
    stored = [result for result in results if isinstance(result, Submission)]
    assert (len(stored), len(refused)) == (30, 10), [
        result for result in results if not isinstance(result, (Submission, ApplicationError))
    ]
    assert {error.status_code for error in refused} == {429}
    recent = Submission.objects.filter(
        user=user, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    assert recent.count() == 30
    assert GradingRun.objects.filter(submission__user=user, status="waiting").count() == 30
