"""Submissions through the web, the broker, a real worker and the real sandbox."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from grading.models import GradingRun, Submission
from tests.grading.notebook_factory import SOFTMAX_SOLUTION
from tests.integration.conftest import wait_for_run

pytestmark = pytest.mark.integration

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)
WRONG = "def softmax(x):\n    return np.exp(x) / np.exp(x).sum(-1, keepdims=True)\n"


def _learner(name: str = "ada") -> Client:
    user = get_user_model().objects.create_user(name, password="a-long-password-1")
    client = Client()
    client.force_login(user)
    return client


def _submit(client: Client, code: str) -> Submission:
    response = client.post("/exercises/test-course/stable-softmax/submit/", {"code-answer": code})
    assert response.status_code == 302, response.content[:500]
    return Submission.objects.latest("pk")


def test_submit_from_the_page_and_see_the_score(worker, exercise) -> None:
    client = _learner()
    page = client.get("/exercises/test-course/stable-softmax/")
    assert page.status_code == 200
    assert b"np.max" not in page.content and b"BEGIN HIDDEN" not in page.content
    assert b"raise NotImplementedError()" in page.content
    wrong = _submit(client, WRONG)
    right = _submit(client, RIGHT)
    wrong_run, right_run = wait_for_run(wrong.pk), wait_for_run(right.pk)
    assert (wrong_run.points, right_run.points) == (3.0, 5.0), right_run.feedback
    detail = client.get(f"/exercises/test-course/stable-softmax/submissions/{right.pk}/")
    assert b"5 / 5" in detail.content and b"test_large_logits" in detail.content
    assert b"np.exp(x - x.max" not in detail.content  # a hidden test's source never shows


HOSTILE = {
    "infinite loop": ("while True:\n    pass\n", ("time limit",)),
    "4 GB allocation": ("x = bytearray(4 * 1024 ** 3)\n", ("memory",)),
    "socket": (
        "import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=2)\n",
        ("ConnectionRefusedError",),
    ),
    "secrets": (
        "print(open('/proc/1/environ').read())\nprint(open('/work/main/config/settings.py').read())\n",
        ("PermissionError", "FileNotFoundError"),  # the warm path has no /proc/1 at all
    ),
}


def test_hostile_code_is_graded_zero_and_the_worker_goes_on(worker, exercise) -> None:
    client = _learner()
    submissions = {name: _submit(client, code) for name, (code, _) in HOSTILE.items()}
    for name, submission in submissions.items():
        run = wait_for_run(submission.pk)
        assert run.status == GradingRun.Status.GRADED and run.points == 0.0, name
        reason = run.status_message + str(run.feedback.get("learner_errors"))
        assert any(expected in reason for expected in HOSTILE[name][1]), (name, reason)
        assert "SECRET_KEY" not in str(run.feedback) and "DATABASE_URL" not in str(run.feedback)
    assert wait_for_run(_submit(client, RIGHT).pk).points == 5.0


def test_bad_submissions_are_refused_and_nothing_is_stored(worker, exercise) -> None:
    client = _learner()
    for code, message in (("   \n", b"empty"), ("x = 1\n" * 30000, b"100 KB")):
        response = client.post(
            "/exercises/test-course/stable-softmax/submit/", {"code-answer": code}
        )
        assert response.status_code == 400
        assert message in response.content
    assert Submission.objects.count() == 0


def test_a_worker_killed_mid_grading_loses_nothing(worker, exercise) -> None:
    slow = "import time\ntime.sleep(4)\n" + RIGHT
    client = _learner()
    submission = _submit(client, slow)
    deadline = time.monotonic() + 60
    while not GradingRun.objects.filter(submission=submission, status="running").exists():
        assert time.monotonic() < deadline, "the worker never claimed the run"
        time.sleep(0.05)
    worker.kill()  # SIGKILL to the whole worker, mid-grading
    from grading.services import runs_requeue_stuck

    worker.start()
    time.sleep(1)
    assert runs_requeue_stuck(older_than_seconds=0) == 1
    run = wait_for_run(submission.pk)
    assert run.points == 5.0 and run.deliveries == 2
    assert GradingRun.objects.filter(submission=submission).count() == 1


def test_regrading_keeps_history(worker, exercise) -> None:
    from grading.services import submission_regrade

    client = _learner()
    submission = _submit(client, RIGHT)
    first = wait_for_run(submission.pk)
    submission_regrade(submission=submission)
    second = wait_for_run(submission.pk)
    runs = list(GradingRun.objects.filter(submission=submission).order_by("number"))
    assert [(run.number, run.points, run.reason) for run in runs] == [
        (1, 5.0, "submitted"),
        (2, 5.0, "regrade"),
    ]
    assert first.pk != second.pk
