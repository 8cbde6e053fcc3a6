""" "Run the visible tests" through the web, the broker, a real worker and the real sandbox: the
result arrives through the status JSON the page polls, and nothing is graded or recorded."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from courseware.models import ExerciseProgress
from grading.models import GradingRun, PracticeRun, Submission
from tests.integration.test_grading_stack import RIGHT

pytestmark = pytest.mark.integration
PAGE_URL = "/exercises/test-course/stable-softmax/"
RETURNS_INPUT = "def softmax(x):\n    return x\n"


def _run(client: Client, code: str, seconds: float = 90) -> dict:
    response = client.post(
        f"{PAGE_URL}practice/", {"code-answer": code}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 202, response.content[:500]
    status_url = response.json()["status_url"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(status_url).json()
        if body["finished"]:
            return body
        time.sleep(0.2)
    raise AssertionError(f"the practice run did not finish: {body}")


def test_visible_tests_run_in_the_worker_and_record_nothing(worker, exercise) -> None:
    user = get_user_model().objects.create_user("ada", password="a-long-password-1")
    client = Client()
    client.force_login(user)

    failing = _run(client, RETURNS_INPUT)
    assert failing["status"] == "graded"
    assert "0 / 1</strong> points on the visible tests" in failing["html"]
    assert "test_small" in failing["html"] and "AssertionError" in failing["html"]

    passing = _run(client, RIGHT)
    assert "1 / 1</strong> points on the visible tests" in passing["html"]
    assert "test_large_logits" not in passing["html"]  # hidden tests neither run nor show
    runs = PracticeRun.objects.filter(user=user).order_by("pk")
    assert [(run.status, run.points) for run in runs] == [("graded", 0.0), ("graded", 1.0)]
    assert Submission.objects.count() == 0
    assert GradingRun.objects.count() == 0
    assert ExerciseProgress.objects.count() == 0
    # The page reopens with the code last run, and shows its result.
    page = client.get(PAGE_URL).content.decode()
    assert "shifted / shifted.sum(axis=-1, keepdims=True)" in page
    assert "points on the visible tests" in page
