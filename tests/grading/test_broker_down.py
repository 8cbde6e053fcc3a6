"""A submission made while the broker is down is kept and told the truth: the learner is sent
to their submission's page, which says it is queued, and the run waits in the database for the
watchdog to send it (its lost-task rule). The broker here is a real address nobody listens on."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from grading import services
from grading.models import GradingRun, Submission
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.private_services import celery_broker, free_port

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


@pytest.fixture
def nobody_listening() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_a_submission_while_the_broker_is_down_is_kept_queued_and_the_learner_told(
    transactional_db, tmp_path, nobody_listening
) -> None:
    exercise = make_exercise(tmp_path)
    user = get_user_model().objects.create_user("offline", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    url = reverse("grading:submit", args=(exercise.module.course.slug, exercise.slug))

    with celery_broker(nobody_listening):
        response = client.post(url, {"code-answer": RIGHT})

    submission = Submission.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/submissions/{submission.pk}/")
    run = GradingRun.objects.get(submission=submission)
    assert (run.status, run.deliveries, run.requeues) == ("queued", 0, 0)
    status = client.get(response["Location"] + "status/").json()
    assert (status["status"], status["finished"]) == ("queued", False)


def test_the_watchdog_sends_that_run_once_the_broker_is_back(
    transactional_db, tmp_path, nobody_listening
) -> None:
    exercise = make_exercise(tmp_path)
    user = get_user_model().objects.create_user("offline2", password="a-long-password-1")
    with celery_broker(nobody_listening):
        submission = services.submission_create(
            user=user, exercise=exercise, code={"answer": RIGHT}
        )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("grading")
    assert services.runs_requeue_stuck(older_than_seconds=300, lost_after_seconds=0) == 1
    run = GradingRun.objects.get(submission=submission)
    assert (run.status, run.requeues) == ("queued", 1)
    assert broker.llen("grading") == 1  # this time it reached the broker, which is up
    broker.delete("grading")
