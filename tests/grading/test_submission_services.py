"""Submissions through the services and pages: what is stored, what is refused, who sees what.
(Grading itself is covered by test_verdicts.py and, through the real worker, tests/integration.)"""

from __future__ import annotations

import json
from datetime import timedelta

import nbformat
import pytest
from django.test import Client
from django.utils import timezone

from courseware.errors import ApplicationError
from grading import selectors, services
from grading.models import Exercise, GradingRun, Submission
from grading.notebooks import read_notebook
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise
from tests.monitoring.heartbeats import gpu_worker

SOLUTION_TEXT = "np.max(x, axis=-1, keepdims=True)"
HIDDEN_TEXT = "np.random.default_rng().normal(size=(4, 5)) * 1000"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _filled_release(exercise: Exercise, answer: str) -> dict:
    release = json.loads(json.dumps(exercise.release_notebook))
    for cell in release["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "answer":
            cell["source"] = answer
    return release


def test_solutions_and_hidden_tests_never_leave_the_server(exercise, learner) -> None:
    client = _client(learner)
    pages = [
        client.get("/exercises/test-course/stable-softmax/").content,
        client.get("/exercises/test-course/stable-softmax/notebook/").content,
        client.get(f"/api/grading/exercises/{exercise.pk}/").content,
    ]
    for content in pages:
        assert SOLUTION_TEXT.encode() not in content
        assert HIDDEN_TEXT.encode() not in content
        assert b"BEGIN HIDDEN" not in content
    release = read_notebook(pages[1])
    assert "raise NotImplementedError()" in release.cells[2].source


def test_code_submission_is_stored_as_received_with_one_queued_run(exercise, learner) -> None:
    code = "def softmax(x):\n    return x\n"
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": code})
    assert submission.answers == {"answer": code} and submission.payload == code
    assert list(submission.runs.values_list("number", "status", "queue")) == [
        (1, "queued", "grading")
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "empty"), ("  \n\t", "empty"), ("x = 1\n" * 20000, "100 KB"), ("a\x00b", "NUL")],
)
def test_bad_code_is_refused_and_nothing_stored(exercise, learner, code, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.submission_create(user=learner, exercise=exercise, code={"answer": code})
    assert Submission.objects.count() == 0 and GradingRun.objects.count() == 0


def test_uploaded_notebook_keeps_only_answer_cells_and_flags_edits(exercise, learner) -> None:
    release = _filled_release(exercise, "def softmax(x):\n    return x\n")
    for cell in release["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_small":
            cell["source"] = "pass  # the learner emptied the visible test"
    submission = services.submission_create(
        user=learner, exercise=exercise, notebook=json.dumps(release).encode()
    )
    assert submission.answers == {"answer": "def softmax(x):\n    return x\n"}
    assert submission.edited_locked_cells == ["test_small"]
    assert submission.kind == Submission.Kind.NOTEBOOK


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json at all", "not a Jupyter notebook"),
        (b"\xff\xfe", "UTF-8"),
        (
            json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode(),
            "lacks the answer cell",
        ),
        (b" " * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_bad_notebooks_are_refused(exercise, learner, payload, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.submission_create(user=learner, exercise=exercise, notebook=payload)
    assert Submission.objects.count() == 0


def test_upload_through_the_page(exercise, learner) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    release = _filled_release(exercise, "def softmax(x):\n    return x\n")
    upload = SimpleUploadedFile("mine.ipynb", json.dumps(release).encode())
    response = _client(learner).post(
        "/exercises/test-course/stable-softmax/submit/", {"notebook": upload}
    )
    assert response.status_code == 302
    assert Submission.objects.get().kind == Submission.Kind.NOTEBOOK


def test_rate_limit_shows_the_wait_and_stores_nothing(exercise, learner, settings) -> None:
    settings.GRADING_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        services.submission_create(user=learner, exercise=exercise, code={"answer": "x = 1"})
    Submission.objects.update(created_at=timezone.now() - timedelta(minutes=50))
    response = _client(learner).post(
        "/exercises/test-course/stable-softmax/submit/", {"code-answer": "x = 2"}
    )
    assert response.status_code == 429
    assert b"You can submit again in 10 minutes" in response.content
    assert Submission.objects.count() == 2


def test_hints_reveal_one_at_a_time(exercise, learner) -> None:
    client = _client(learner)
    page = client.get("/exercises/test-course/stable-softmax/")
    assert b"Subtract the maximum." not in page.content
    client.post("/exercises/test-course/stable-softmax/hint/")
    page = client.get("/exercises/test-course/stable-softmax/")
    assert b"Subtract the maximum." in page.content and b"keepdims=True." not in page.content
    for _ in range(3):
        client.post("/exercises/test-course/stable-softmax/hint/")
    page = client.get("/exercises/test-course/stable-softmax/")
    assert b"keepdims=True." in page.content


def test_submission_pages_permission_matrix(exercise, learner, other_learner, staff_user) -> None:
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": "x=1"})
    url = f"/exercises/test-course/stable-softmax/submissions/{submission.pk}/"
    regrade = url + "regrade/"
    assert Client().get(url).status_code == 302  # to the login page
    assert _client(other_learner).get(url).status_code == 404
    assert _client(learner).get(url).status_code == 200
    assert _client(staff_user).get(url).status_code == 200
    # One staff check for every instructor page: a learner (or a site operator who does not teach
    # this course) is refused with a 403 page, not sent to the admin's log-in.
    operator = UserFactory(username="operator", is_staff=True)
    for user in (learner, other_learner, operator):
        response = _client(user).post(regrade)
        assert response.status_code == 403
        assert "instructors and teaching assistants" in response.content.decode()
    assert _client(operator).get(url).status_code == 404
    assert submission.runs.count() == 1
    api = f"/api/grading/submissions/{submission.pk}/"
    assert Client().get(api).status_code == 403
    assert _client(other_learner).get(api).status_code == 404
    assert _client(learner).get(api).status_code == 200
    assert _client(staff_user).post(regrade).status_code == 302
    assert list(submission.runs.values_list("number", "reason")) == [
        (1, "submitted"),
        (2, "regrade"),
    ]


def test_api_submit_and_bad_input(exercise, learner) -> None:
    client = _client(learner)
    url = f"/api/grading/exercises/{exercise.pk}/submissions/"
    accepted = client.post(
        url,
        {"code": {"answer": "def softmax(x):\n    return x\n"}},
        content_type="application/json",
    )
    assert accepted.status_code == 202 and accepted.json()["status"] == "queued"
    for body in (
        {},
        {"code": "just a string"},
        {"code": {"answer": ""}},
        {"code": {"answer": "x" * 102401}},
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
    assert Submission.objects.count() == 1


def test_gpu_routing_follows_gpu_worker_heartbeats(exercise) -> None:
    exercise.device = Exercise.Device.PREFER_GPU
    assert selectors.queue_for(exercise) == (
        "grading",
        "No GPU worker is available: this exercise is graded on the CPU.",
    )
    exercise.device = Exercise.Device.REQUIRE_GPU
    assert selectors.queue_for(exercise) == ("grading-gpu", "Waiting for a GPU worker.")
    gpu_worker()
    assert selectors.queue_for(exercise) == ("grading-gpu", "")


def test_gpu_only_runs_fail_after_a_bounded_wait(exercise, learner) -> None:
    exercise.device = Exercise.Device.REQUIRE_GPU
    exercise.save()
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": "x=1"})
    GradingRun.objects.update(queued_at=timezone.now() - timedelta(hours=1))
    services.runs_requeue_stuck(older_than_seconds=300, gpu_wait_seconds=900)
    run = submission.runs.get()
    assert run.status == "failed" and "GPU" in run.status_message


def test_grade_command_prints_json(tmp_path, capsys) -> None:
    from django.core.management import call_command

    from tests.grading.notebook_factory import softmax_notebook

    source = tmp_path / "source.ipynb"
    nbformat.write(softmax_notebook(), str(source))
    answer = tmp_path / "answer.py"
    answer.write_text(
        "import numpy as np\ndef softmax(x):\n    e = np.exp(x)\n    return e / e.sum(-1, keepdims=True)\n"
    )
    call_command("grade", str(answer), "--source", str(source), "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["points"], result["max_points"]) == (3.0, 5.0)
    assert [(cell["grade_id"], cell["passed"]) for cell in result["cells"]] == [
        ("test_small", True),
        ("test_large_logits", False),
        ("test_batched", True),
    ]


def test_every_link_on_the_exercise_pages_works(exercise, learner) -> None:
    import re

    client = _client(learner)
    submission = services.submission_create(user=learner, exercise=exercise, code={"answer": "x=1"})
    for url in (
        "/exercises/test-course/stable-softmax/",
        f"/exercises/test-course/stable-softmax/submissions/{submission.pk}/",
    ):
        page = client.get(url).content.decode()
        links = {
            link
            for link in re.findall(r'href="(/[^"#]*)"', page)
            if not link.startswith(("/static/", "/accounts/logout/"))
        }
        assert links
        for link in links:
            assert client.get(link, follow=True).status_code == 200, link
