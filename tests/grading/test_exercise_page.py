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
