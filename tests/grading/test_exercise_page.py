"""The exercise page as the learner reads it: each message once, and the hints' wording."""

from __future__ import annotations

import pytest
from django.test import Client

from grading.models import Exercise
from tests.grading.exercise_factory import make_exercise

PAGE_URL = "/exercises/test-course/stable-softmax/"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_error_shows_once_on_the_exercise_page(exercise, learner) -> None:
    response = _client(learner).post(f"{PAGE_URL}submit/", {"code-answer": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Your code is empty: write your answer before submitting.") == 1


def test_a_message_shows_once_on_the_submission_page(exercise, learner, staff_user) -> None:
    from grading.services import submission_create

    submission = submission_create(user=learner, exercise=exercise, code={"answer": "x = 1"})
    client = _client(staff_user)
    response = client.post(f"{PAGE_URL}submissions/{submission.pk}/regrade/", follow=True)
    assert response.status_code == 200
    assert response.content.decode().count("Regrade queued with the same seed") == 1


def test_module_totals_count_every_exercise_of_the_module(exercise, learner, tmp_path) -> None:
    """One of two exercises solved is 5 of 10 points, not "5/5" (the totals used to add up the
    attempted exercises only)."""
    from courseware.selectors import module_progress_for_user
    from courseware.services import exercise_score_record

    make_exercise(tmp_path / "second", slug="second-softmax")
    exercise_score_record(
        user_id=learner.pk,
        module_id=exercise.module_id,
        exercise_slug=exercise.slug,
        points=5,
        max_points=5,
    )
    basics = module_progress_for_user(user=learner, course=exercise.module.course)[0]
    assert (basics.exercises_passed, basics.exercises_total) == (1, 2)
    assert (basics.exercise_points, basics.exercise_max_points) == (5.0, 10.0)
    page = _client(learner).get(f"/courses/{exercise.module.course.slug}/").content.decode()
    assert "Exercises: 1 of 2 passed, 5/10 points" in page


def _graded(exercise: Exercise, user, points: float):
    from courseware.services import exercise_score_record
    from grading.models import GradingRun, Submission

    submission = Submission.objects.create(
        exercise=exercise, user=user, kind="code", payload="x", answers={"answer": "x"}
    )
    run = GradingRun.objects.create(
        submission=submission, status="graded", points=points, max_points=exercise.max_points
    )
    # As the execution step does once a run is graded: the learner's best score is progress.
    exercise_score_record(
        user_id=user.pk,
        module_id=exercise.module_id,
        exercise_slug=exercise.slug,
        points=points,
        max_points=exercise.max_points,
    )
    return run


def test_module_page_ticks_the_passed_exercises(exercise, learner, tmp_path) -> None:
    second = make_exercise(tmp_path / "second", slug="second-softmax", title="Second softmax")
    _graded(exercise, learner, 5)
    _graded(second, learner, 3)
    page = _client(learner).get("/courses/test-course/modules/basics/").content.decode()
    assert page.count('class="tick"') == 1
    assert (
        'Stable softmax</a> <span class="tick">&#10003; <span class="visually-hidden">passed</span></span>'
        in page
    )
    assert "best 3 / 5" in page


GIVEAWAY = (
    "Like this:\n\n```python\nshifted = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
    "return shifted / shifted.sum(axis=-1, keepdims=True)\n```"
)


def test_a_hint_that_gives_the_solution_away_unmarked_is_refused(db, tmp_path) -> None:
    from grading.importing import validate_exercise_folder

    with pytest.raises(AssertionError) as refused:
        make_exercise(tmp_path, hints=["Subtract the maximum.", GIVEAWAY])
    assert "hint 2 gives away the whole solution" in str(refused.value)
    assert "{text: ..., solution: true}" in str(refused.value)
    assert Exercise.objects.count() == 0
    spec, errors = validate_exercise_folder(tmp_path / "stable-softmax")
    folder = tmp_path / "stable-softmax"
    assert (spec, errors) == (
        None,
        [
            f"{folder}/exercise.yaml:1: hint 2 gives away the whole solution; if that is meant, "
            "write it as {text: ..., solution: true} so the page says so"
        ],
    )


def test_badly_shaped_hints_are_refused(db, tmp_path) -> None:
    with pytest.raises(AssertionError, match="hint 1 must be text or"):
        make_exercise(tmp_path, hints=[{"text": "x", "cost": 2}])


def test_hints_render_markdown_say_they_are_free_and_name_the_solution(
    db, tmp_path, learner
) -> None:
    exercise = make_exercise(
        tmp_path,
        hints=["Subtract **the maximum**.", {"text": GIVEAWAY, "solution": True}],
    )
    assert exercise.hints[1]["solution"] is True
    client = _client(learner)
    page = client.get(PAGE_URL).content.decode()
    assert "Hints are free: revealing one costs no points" in page
    assert "Reveal hint 1 of 2" in page
    client.post(f"{PAGE_URL}hint/")
    page = client.get(PAGE_URL).content.decode()
    assert "<strong>the maximum</strong>" in page
    assert "Show the solution (hint 2 of 2)" in page
    client.post(f"{PAGE_URL}hint/")
    page = client.get(PAGE_URL).content.decode()
    assert "The solution (hint 2)" in page
    assert "Show the solution" not in page


def test_hints_stored_as_plain_text_still_show(exercise, learner) -> None:
    Exercise.objects.filter(pk=exercise.pk).update(hints=["Use `np.max`."])
    client = _client(learner)
    client.post(f"{PAGE_URL}hint/")
    assert "<code>np.max</code>" in client.get(PAGE_URL).content.decode()


def test_course_page_continues_with_the_next_unpassed_exercise(exercise, learner, tmp_path) -> None:
    make_exercise(tmp_path / "second", slug="second-softmax", title="Second softmax", order=2)
    client = _client(learner)
    page = client.get("/courses/test-course/").content.decode()
    assert "Continue with the exercise “Stable softmax”" in page
    _graded(exercise, learner, 3)  # a partial score is not passed
    from courseware.services import exercise_score_record

    exercise_score_record(
        user_id=learner.pk,
        module_id=exercise.module_id,
        exercise_slug=exercise.slug,
        points=5,
        max_points=5,
    )
    page = client.get("/courses/test-course/").content.decode()
    assert (
        'href="/exercises/test-course/second-softmax/">Continue with the exercise “Second softmax”'
        in page
    )
    exercise_score_record(
        user_id=learner.pk,
        module_id=exercise.module_id,
        exercise_slug="second-softmax",
        points=5,
        max_points=5,
    )
    page = client.get("/courses/test-course/").content.decode()
    assert "You have done everything in this course" in page
