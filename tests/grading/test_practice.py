""" "Run the visible tests": the visible test cells only, in the real sandbox, never a graded
submission (no Submission, no GradingRun, no progress), with its own hourly limit."""

from __future__ import annotations

import pytest
from django.test import Client

from courseware.errors import ApplicationError
from courseware.models import ExerciseProgress
from grading import practice
from grading.models import Draft, Exercise, GradingRun, PracticeRun, Submission
from grading.notebooks import classify
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import softmax_notebook
from tests.integration.test_grading_stack import RIGHT, WRONG

PAGE_URL = "/exercises/test-course/stable-softmax/"
RETURNS_INPUT = "def softmax(x):\n    return x\n"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_practice_notebook_keeps_every_cell_but_the_hidden_tests() -> None:
    source = softmax_notebook()
    kept = classify(practice.practice_notebook(source))
    assert [(cell.grade_id, cell.kind) for cell in kept.cells] == [
        ("setup", "setup"),
        ("answer", "answer"),
        ("test_small", "test"),
    ]
    # The source itself is left as it was.
    assert len(classify(source).tests) == 3


def test_create_queues_a_run_keeps_the_draft_and_makes_no_submission(exercise, learner) -> None:
    run = practice.practice_run_create(user=learner, exercise=exercise, code={"answer": WRONG})
    assert (run.status, run.answers, run.queue) == ("queued", {"answer": WRONG}, "grading")
    assert Draft.objects.get(user=learner, exercise=exercise).code == {"answer": WRONG}
    assert Submission.objects.count() == 0
    assert GradingRun.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ({"answer": "  \n"}, "Your code is empty"),
        ({}, "Your code is empty"),
        ({"answer": "x = 1\x00"}, "NUL character"),
        ({"answer": "x" * 102_401}, "larger than 100 KB"),
        ({"nope": "x = 1"}, "no answer cell 'nope'"),
    ],
)
def test_create_refuses_bad_code_and_stores_nothing(exercise, learner, code, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        practice.practice_run_create(user=learner, exercise=exercise, code=code)
    assert PracticeRun.objects.count() == 0
    assert Draft.objects.count() == 0


def test_practice_has_its_own_hourly_limit(exercise, learner, settings) -> None:
    settings.GRADING_SUBMISSIONS_PER_HOUR = 1
    settings.GRADING_PRACTICE_RUNS_PER_HOUR = 3
    for _ in range(3):
        practice.practice_run_create(user=learner, exercise=exercise, code={"answer": WRONG})
    with pytest.raises(ApplicationError) as refused:
        practice.practice_run_create(user=learner, exercise=exercise, code={"answer": WRONG})
    assert refused.value.status_code == 429
    assert refused.value.message == (
        "You have run the visible tests 3 times for this exercise in the last hour. "
        "You can run them again in 60 minutes."
    )
    assert PracticeRun.objects.count() == 3
    # Practice runs are not submissions: the graded limit is untouched.
    from grading.services import submission_create

    submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    assert Submission.objects.count() == 1


def _execute(learner, exercise, code: str, bwrap) -> PracticeRun:
    run = practice.practice_run_create(user=learner, exercise=exercise, code={"answer": code})
    assert practice.practice_run_execute(practice_pk=run.pk, sandbox=bwrap) == "graded"
    return PracticeRun.objects.get(pk=run.pk)


def test_execute_runs_only_the_visible_tests_in_the_sandbox(exercise, learner, bwrap) -> None:
    run = _execute(learner, exercise, WRONG, bwrap)
    assert (run.status, run.points, run.max_points) == ("graded", 1.0, 1.0)
    cells = run.feedback["cells"]
    assert [(cell["grade_id"], cell["passed"], cell["hidden"]) for cell in cells] == [
        ("test_small", True, False)
    ]
    assert "visible test ran" in cells[0]["output"]
    assert ExerciseProgress.objects.count() == 0
    assert GradingRun.objects.count() == 0
    assert practice.practice_run_execute(practice_pk=run.pk, sandbox=bwrap) == "skipped"


def test_execute_reports_a_failing_visible_test(exercise, learner, bwrap) -> None:
    run = _execute(learner, exercise, RETURNS_INPUT, bwrap)
    assert (run.points, run.max_points) == (0.0, 1.0)
    assert run.feedback["cells"][0]["passed"] is False
    assert "AssertionError" in run.feedback["cells"][0]["traceback"]


def test_hostile_code_is_a_result_not_a_crash(exercise, learner, bwrap) -> None:
    run = _execute(learner, exercise, "import os\nos._exit(0)\n", bwrap)
    assert (run.status, run.points) == ("graded", 0.0)
    assert "exited before the tests" in run.status_message


def test_give_up_fails_the_run_with_a_plain_message(exercise, learner) -> None:
    run = practice.practice_run_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    assert practice.practice_run_give_up(practice_pk=run.pk, detail="sandbox gone") is True
    run.refresh_from_db()
    assert (run.status, run.status_message, run.failure_detail) == (
        "failed",
        practice.GAVE_UP_MESSAGE,
        "sandbox gone",
    )
    assert practice.practice_run_give_up(practice_pk=run.pk, detail="again") is False


def test_the_button_posts_and_the_page_shows_the_run(exercise, learner) -> None:
    client = _client(learner)
    response = client.post(f"{PAGE_URL}practice/", {"code-answer": WRONG})
    run = PracticeRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE_URL}#practice"
    page = client.get(PAGE_URL).content.decode()
    assert f'data-status-url="{PAGE_URL}practice/{run.pk}/status/"' in page
    assert f'<meta http-equiv="refresh" content="2; url={PAGE_URL}">' in page
    assert Submission.objects.count() == 0


def test_the_script_gets_json_and_polls_the_status(exercise, learner, other_learner) -> None:
    client = _client(learner)
    response = client.post(
        f"{PAGE_URL}practice/", {"code-answer": WRONG}, headers={"Accept": "application/json"}
    )
    run = PracticeRun.objects.get()
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["finished"], body["status_url"]) == (
        "queued",
        False,
        f"{PAGE_URL}practice/{run.pk}/status/",
    )
    assert 'data-status="queued"' in body["html"]
    status = client.get(body["status_url"])
    assert status.json()["status"] == "queued"
    assert status["Cache-Control"] == "no-store"
    assert _client(other_learner).get(body["status_url"]).status_code == 404


def test_a_refused_run_answers_json_with_the_reason(exercise, learner, settings) -> None:
    settings.GRADING_PRACTICE_RUNS_PER_HOUR = 1
    client = _client(learner)
    headers = {"Accept": "application/json"}
    client.post(f"{PAGE_URL}practice/", {"code-answer": WRONG}, headers=headers)
    response = client.post(f"{PAGE_URL}practice/", {"code-answer": WRONG}, headers=headers)
    assert response.status_code == 429
    assert response.json()["error"].startswith(
        "You have run the visible tests 1 time for this exercise"
    )
    assert PracticeRun.objects.count() == 1


def test_anonymous_cannot_run_the_tests(exercise) -> None:
    response = Client().post(f"{PAGE_URL}practice/", {"code-answer": WRONG})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert PracticeRun.objects.count() == 0


def test_the_watchdog_ends_practice_runs_that_will_never_finish(exercise, learner) -> None:
    from datetime import timedelta

    from django.utils import timezone

    def make(status: str, **times) -> PracticeRun:
        run = practice.practice_run_create(user=learner, exercise=exercise, code={"answer": WRONG})
        PracticeRun.objects.filter(pk=run.pk).update(status=status, **times)
        return run

    long_ago = timezone.now() - timedelta(hours=2)
    lost = make("queued", queued_at=long_ago)
    vanished = make("running", claimed_at=long_ago)
    fresh_queued = make("queued")
    fresh_running = make("running", claimed_at=timezone.now())
    done = make("graded", queued_at=long_ago, claimed_at=long_ago)
    assert practice.practice_runs_fail_stale(running_seconds=300, queued_seconds=1800) == 2
    statuses = {run.pk: run.status for run in PracticeRun.objects.all()}
    assert statuses == {
        lost.pk: "failed",
        vanished.pk: "failed",
        fresh_queued.pk: "queued",
        fresh_running.pk: "running",
        done.pk: "graded",
    }
    assert PracticeRun.objects.get(pk=lost.pk).status_message == practice.STALE_MESSAGE


def test_a_queued_run_is_told_its_place_behind_gradings_and_other_runs(
    exercise, learner, other_learner
) -> None:
    from grading.services import submission_create

    submission_create(user=other_learner, exercise=exercise, code={"answer": WRONG})
    practice.practice_run_create(user=other_learner, exercise=exercise, code={"answer": WRONG})
    client = _client(learner)
    body = client.post(
        f"{PAGE_URL}practice/", {"code-answer": WRONG}, headers={"Accept": "application/json"}
    ).json()
    assert body["place"] == {
        "status": "queued",
        "ahead": 2,
        "position": 3,
        "text": "Queued: position 3 in line (2 gradings ahead).",
    }
    assert "Queued: position 3 in line" in client.get(PAGE_URL).content.decode()
