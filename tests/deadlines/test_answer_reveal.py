"""Quiz answers are not there to harvest: a learner with attempts left before the due date sees
no correct answer or explanation anywhere (results page, API); the course's choice decides
when they appear."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import Quiz, QuizAttempt
from deadlines import services
from deadlines.models import CoursePolicy, DueDate
from tests.courseware.helpers import right_answers

EXPLANATIONS = (
    "SINGLE-EXPLANATION",
    "MULTIPLE-EXPLANATION",
    "NUMERIC-EXPLANATION",
    "TEXT-EXPLANATION",
    "PARAM-EXPLANATION",
)


def _choose(course, reveal: str) -> None:
    services.course_policy_update(
        course=course,
        late=CoursePolicy.Late.ACCEPT,
        penalty_percent_per_day=0,
        penalty_cap_percent=0,
        answer_reveal=reveal,
    )


def _submitted_attempt(learner, quiz) -> tuple[QuizAttempt, Client, APIClient]:
    api = APIClient()
    api.force_authenticate(learner)
    started = api.post(f"/api/quizzes/{quiz.pk}/attempts/")
    assert started.status_code == 201
    attempt = QuizAttempt.objects.get(pk=started.json()["id"])
    api.post(
        f"/api/attempts/{attempt.pk}/answers/", {"answers": right_answers(attempt)}, format="json"
    )
    assert api.post(f"/api/attempts/{attempt.pk}/submit/").status_code == 200
    page = Client()
    page.force_login(learner)
    return attempt, page, api


def _shown(attempt, page, api) -> tuple[str, str]:
    html = page.get(f"/attempts/{attempt.pk}/results/").content.decode()
    body = json.dumps(
        [
            api.get(f"/api/attempts/{attempt.pk}/").json(),
            api.get(f"/api/attempts/{attempt.pk}/result/").json(),
        ]
    )
    return html, body


def _leaks(text: str) -> list[str]:
    markers = [*EXPLANATIONS, "correct_answer_text", "explanation_html", '"correct":']
    markers += ["(correct)", "Correct answer"]
    return [marker for marker in markers if marker in text]


@pytest.fixture
def limited_quiz(quiz) -> Quiz:
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=2)
    quiz.refresh_from_db()
    return quiz


def test_the_shipped_default_is_not_always(course) -> None:
    assert (
        CoursePolicy(course=course).answer_reveal == CoursePolicy.Reveal.AFTER_DUE_OR_LAST_ATTEMPT
    )
    assert CoursePolicy.Reveal.AFTER_DUE_OR_LAST_ATTEMPT != CoursePolicy.Reveal.ALWAYS


@pytest.mark.parametrize(
    "reveal",
    [
        CoursePolicy.Reveal.AFTER_DUE_OR_LAST_ATTEMPT,
        CoursePolicy.Reveal.AFTER_DUE,
        CoursePolicy.Reveal.AFTER_LAST_ATTEMPT,
    ],
)
def test_attempts_left_before_the_due_date_show_no_answers_anywhere(
    course, limited_quiz, enrolled, learner, reveal
) -> None:
    _choose(course, reveal)
    services.due_date_set(
        course=course,
        item=limited_quiz,
        cohort=None,
        due_at=timezone.now() + timedelta(days=2),
        set_by_id=None,
    )
    attempt, page, api = _submitted_attempt(learner, limited_quiz)

    html, body = _shown(attempt, page, api)

    assert _leaks(html) == []
    assert _leaks(body) == []
    assert "The correct answers and explanations are shown" in html
    assert json.loads(body)[0]["answers_revealed"] is False
    assert json.loads(body)[0]["score"] == 1.0  # the learner still sees their own score


def test_answers_appear_once_the_due_date_passes(course, limited_quiz, enrolled, learner):
    services.due_date_set(
        course=course,
        item=limited_quiz,
        cohort=None,
        due_at=timezone.now() + timedelta(days=2),
        set_by_id=None,
    )
    attempt, page, api = _submitted_attempt(learner, limited_quiz)
    DueDate.objects.update(due_at=timezone.now() - timedelta(minutes=1))

    html, body = _shown(attempt, page, api)

    assert all(marker in html for marker in ("NUMERIC-EXPLANATION", "Correct answer"))
    assert "correct_answer_text" in body


def test_an_extension_keeps_them_hidden_for_that_learner(
    course, limited_quiz, enrolled, learner, instructor
) -> None:
    services.due_date_set(
        course=course,
        item=limited_quiz,
        cohort=None,
        due_at=timezone.now() + timedelta(days=2),
        set_by_id=None,
    )
    attempt, page, api = _submitted_attempt(learner, limited_quiz)
    DueDate.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    services.extension_grant(
        course=course,
        item=limited_quiz,
        learner_id=learner.pk,
        due_at=timezone.now() + timedelta(days=1),
        reason="Away at a conference",
        granted_by_id=instructor.pk,
    )

    html, body = _shown(attempt, page, api)

    assert _leaks(html) == [] and _leaks(body) == []


def test_answers_appear_after_the_last_allowed_attempt(course, limited_quiz, enrolled, learner):
    first, page, api = _submitted_attempt(learner, limited_quiz)
    assert _leaks(_shown(first, page, api)[0]) == []

    second, page, api = _submitted_attempt(learner, limited_quiz)

    html, body = _shown(second, page, api)
    assert "NUMERIC-EXPLANATION" in html and "NUMERIC-EXPLANATION" in body
    assert "NUMERIC-EXPLANATION" in _shown(first, page, api)[0]


def test_unlimited_attempts_and_no_due_date_never_show_them_by_default(
    course, quiz, enrolled, learner
) -> None:
    attempt, page, api = _submitted_attempt(learner, quiz)

    html, body = _shown(attempt, page, api)

    assert _leaks(html) == [] and _leaks(body) == []


def test_always_shows_them_after_every_attempt(course, quiz, enrolled, learner) -> None:
    _choose(course, CoursePolicy.Reveal.ALWAYS)
    attempt, page, api = _submitted_attempt(learner, quiz)

    html, body = _shown(attempt, page, api)

    assert all(marker in html for marker in EXPLANATIONS)
    assert json.loads(body)[1]["answers_revealed"] is True


def test_a_quiz_may_choose_over_the_course(course, quiz, instructor, enrolled, learner) -> None:
    _choose(course, CoursePolicy.Reveal.ALWAYS)
    page = Client()
    page.force_login(instructor)

    saved = page.post(
        "/courses/mini/teach/deadlines/quiz-answers/",
        {"item": f"quiz:{quiz.pk}", "answer_reveal": CoursePolicy.Reveal.AFTER_DUE},
    )
    attempt, learner_page, api = _submitted_attempt(learner, quiz)
    html, body = _shown(attempt, learner_page, api)

    assert saved.status_code == 302
    assert _leaks(html) == [] and _leaks(body) == []
    assert "The correct answers and explanations are shown after the due date." in html
    listing = page.get("/courses/mini/teach/deadlines/").content.decode()
    assert "after the due date" in listing.split('id="quiz-answer-policies"')[1]

    page.post(
        "/courses/mini/teach/deadlines/quiz-answers/",
        {"item": f"quiz:{quiz.pk}", "answer_reveal": ""},
    )
    assert "NUMERIC-EXPLANATION" in _shown(attempt, learner_page, api)[0]


def test_only_a_quiz_has_an_answer_policy(course, module, instructor) -> None:
    page = Client()
    page.force_login(instructor)

    response = page.post(
        "/courses/mini/teach/deadlines/quiz-answers/",
        {"item": f"module:{module.pk}", "answer_reveal": "always"},
    )

    assert response.status_code == 400
    assert "Only a quiz has correct answers to show." in response.content.decode()
