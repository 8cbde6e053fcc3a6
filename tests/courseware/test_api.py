"""The courseware REST API: the quiz flow, no answer leaks, bad input, permissions."""

import json

import pytest
from rest_framework.test import APIClient

from courseware.models import Lesson, LessonRead, QuestionResponse, QuizAttempt
from tests.courseware.helpers import answers_shown_after_every_attempt, attempt_state, right_answers

EXPLANATIONS = [
    "SINGLE-EXPLANATION",
    "MULTIPLE-EXPLANATION",
    "NUMERIC-EXPLANATION",
    "TEXT-EXPLANATION",
    "PARAM-EXPLANATION",
]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def start(client: APIClient, quiz) -> dict:
    response = client.post(f"/api/quizzes/{quiz.pk}/attempts/")
    assert response.status_code in (200, 201), response.content
    return response.json()


def assert_no_answer_leak(body: dict) -> None:
    # The learner's own saved answers come back under "saved"; nothing else may hold an answer.
    text = json.dumps({**body, "questions": [{**q, "saved": None} for q in body["questions"]]})
    for marker in EXPLANATIONS:
        assert marker not in text
    for question in body["questions"]:
        assert set(question) <= {"id", "type", "prompt_html", "options", "rule", "saved"}
        for option in question.get("options", []):
            assert set(option) == {"id", "html"}
    assert "1024" not in text  # the numeric answer
    assert "reparameterisation" not in text  # an accepted text answer


def test_full_quiz_flow_without_leaks_before_submission(quiz, learner):
    answers_shown_after_every_attempt(quiz)
    client = client_for(learner)

    body = start(client, quiz)
    assert body["status"] == "in_progress"
    assert [q["id"] for q in body["questions"]]
    assert_no_answer_leak(body)
    attempt = QuizAttempt.objects.get(pk=body["id"])

    saved = client.post(
        f"/api/attempts/{attempt.pk}/answers/", {"answers": right_answers(attempt)}, format="json"
    )
    assert saved.status_code == 200
    assert_no_answer_leak(saved.json())
    assert_no_answer_leak(client.get(f"/api/attempts/{attempt.pk}/").json())
    early = client.get(f"/api/attempts/{attempt.pk}/result/")
    assert early.status_code == 409
    assert early.json()["error"] == "Results are shown after the attempt is submitted."

    submitted = client.post(f"/api/attempts/{attempt.pk}/submit/")

    assert submitted.status_code == 200
    result = submitted.json()
    assert (result["status"], result["score"], result["points"]) == ("submitted", 1.0, 5.0)
    by_id = {question["id"]: question for question in result["questions"]}
    assert by_id["q-numeric"]["correct_answer_text"] == "1024 (± 0.5)"
    assert by_id["q-single"]["explanation_html"] == (
        "<p>SINGLE-EXPLANATION gradients flow through mu and sigma.</p>\n"
    )
    assert (by_id["q-single"]["lesson"], by_id["q-single"]["anchor"]) == (
        "first-steps",
        "the-reparameterization-trick",
    )
    assert client.get(f"/api/attempts/{attempt.pk}/result/").json() == result


def test_resubmitting_scores_once(quiz, learner):
    client = client_for(learner)
    attempt_id = start(client, quiz)["id"]
    attempt = QuizAttempt.objects.get(pk=attempt_id)
    client.post(
        f"/api/attempts/{attempt_id}/answers/", {"answers": right_answers(attempt)}, format="json"
    )

    first = client.post(f"/api/attempts/{attempt_id}/submit/").json()
    second = client.post(f"/api/attempts/{attempt_id}/submit/")

    assert second.status_code == 200
    assert second.json() == first
    assert QuestionResponse.objects.filter(attempt_id=attempt_id).count() == 5


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"answers": {"q-nope": "a"}}, "Question 'q-nope' is not part of this attempt."),
        (
            {"answers": {"q-single": "z"}},
            "Question 'q-single': That option is not one of this question's options.",
        ),
        (
            {"answers": {"q-multiple": ["a", "zz"]}},
            "Question 'q-multiple': That option is not one of this question's options.",
        ),
        (
            {"answers": {"q-numeric": "NaN"}},
            "Question 'q-numeric': Enter a finite number (not NaN or infinity).",
        ),
        (
            {"answers": {"q-numeric": "-inf"}},
            "Question 'q-numeric': Enter a finite number (not NaN or infinity).",
        ),
        (
            {"answers": {"q-numeric": "1e999"}},
            "Question 'q-numeric': Enter a finite number (not NaN or infinity).",
        ),
        (
            {"answers": {"q-text": "x" * 1_000_000}},
            "Question 'q-text': That answer is too long (10 KB at most).",
        ),
        (
            {"answers": {"q-text": {"nested": 1}}},
            "Question 'q-text': A text answer must be a string.",
        ),
        ({"answers": ["q-text"]}, 'Expected a dictionary of items but got type "list".'),
        ({}, "This field is required."),
    ],
)
def test_bad_answers_get_a_clear_400_and_change_nothing(quiz, learner, payload, error):
    client = client_for(learner)
    attempt = QuizAttempt.objects.get(pk=start(client, quiz)["id"])
    client.post(
        f"/api/attempts/{attempt.pk}/answers/", {"answers": {"q-text": "kept"}}, format="json"
    )
    before = attempt_state(attempt)

    response = client.post(f"/api/attempts/{attempt.pk}/answers/", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error or body.get("fields", {}).get("answers") == [error]
    assert attempt_state(attempt) == before


def test_json_nan_literal_is_a_400(quiz, learner):
    client = client_for(learner)
    attempt = QuizAttempt.objects.get(pk=start(client, quiz)["id"])
    before = attempt_state(attempt)

    response = client.post(
        f"/api/attempts/{attempt.pk}/answers/",
        data='{"answers": {"q-numeric": NaN}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("JSON parse error")
    assert attempt_state(attempt) == before


def test_saving_after_submission_is_a_409(quiz, learner):
    client = client_for(learner)
    attempt = QuizAttempt.objects.get(pk=start(client, quiz)["id"])
    client.post(f"/api/attempts/{attempt.pk}/submit/")
    before = attempt_state(attempt)

    response = client.post(
        f"/api/attempts/{attempt.pk}/answers/", {"answers": {"q-text": "late"}}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"] == (
        "This attempt has been submitted; its answers can no longer change."
    )
    assert attempt_state(attempt) == before


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 403), ("other", 404), ("staff", 404), ("owner", 200)]
)
@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("post", "answers/", {"answers": {"q-text": "changed"}}),
        ("post", "submit/", None),
        ("get", "result/", None),
    ],
)
def test_attempt_permission_matrix(
    quiz, learner, other_learner, staff_user, who, status, method, suffix, payload
):
    attempt = QuizAttempt.objects.get(pk=start(client_for(learner), quiz)["id"])
    client_for(learner).post(
        f"/api/attempts/{attempt.pk}/answers/", {"answers": {"q-text": "mine"}}, format="json"
    )
    before = attempt_state(attempt)
    user = {"anonymous": None, "other": other_learner, "staff": staff_user, "owner": learner}[who]

    response = getattr(client_for(user), method)(
        f"/api/attempts/{attempt.pk}/{suffix}", payload, format="json"
    )

    if who == "owner":
        expected = 409 if suffix == "result/" else 200
        assert response.status_code == expected
        return
    assert response.status_code == status
    assert "error" in response.json()
    assert attempt_state(attempt) == before
    assert QuestionResponse.objects.count() == 0


def test_anonymous_cannot_start_an_attempt(quiz):
    response = client_for().post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert response.status_code == 403
    assert response.json()["error"] == "Authentication credentials were not provided."
    assert QuizAttempt.objects.count() == 0


def test_mark_read_is_idempotent(course, learner):
    lesson = Lesson.objects.get(slug="first-steps")
    client = client_for(learner)

    first = client.post(f"/api/lessons/{lesson.pk}/read/")
    second = client.post(f"/api/lessons/{lesson.pk}/read/")

    assert first.json() == {"lesson": "first-steps", "read": True, "first_time": True}
    assert second.json() == {"lesson": "first-steps", "read": True, "first_time": False}
    assert LessonRead.objects.filter(user=learner).count() == 1


def test_progress(course, learner):
    lesson = Lesson.objects.get(slug="first-steps")
    client = client_for(learner)
    client.post(f"/api/lessons/{lesson.pk}/read/")

    body = client.get("/api/courses/mini/progress/").json()

    assert body["course"] == "mini"
    assert body["modules"][0] == {
        "module": "basics",
        "title": "Basics",
        "lessons_read": 1,
        "lessons_total": 2,
        "quiz_score": None,
        "quiz_attempts": 0,
        "exercises_done": 0,
        "exercise_points": 0.0,
        "exercise_max_points": 0.0,
    }
