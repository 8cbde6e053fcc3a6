"""Hostile quiz input is a 400 with a message, never a 500, and changes nothing: huge numbers,
deep nesting, NUL and lone surrogates, bodies of the wrong shape, a form without its `shown-`
fields."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from courseware.models import QuizAttempt
from tests.courseware.helpers import attempt_state

DEEP = "[" * 100_000


def _form_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api_client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def _start(client: Client) -> QuizAttempt:
    response = client.post("/courses/mini/modules/basics/quiz/")
    assert response.status_code == 302
    return QuizAttempt.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def _shown_fields(attempt: QuizAttempt) -> dict[str, str]:
    return {f"shown-{key}": '""' for key in ("q-numeric", "q-text", "q-softmax", "q-single")} | {
        "shown-q-multiple": "[]"
    }


def _save_answer(client: Client, attempt: QuizAttempt) -> None:
    response = client.post(
        f"/attempts/{attempt.pk}/",
        {"action": "save", **_shown_fields(attempt), "q-q-numeric": "1024", "q-q-text": "mode"},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {"q-numeric": 1024.0, "q-text": "mode"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"q-q-numeric": "9" * 400}, "That number is too long."),
        ({"q-q-numeric": DEEP}, "That number is too long."),
        ({"q-q-numeric": "1e999"}, "Enter a finite number"),
        ({"q-q-text": "ab\x00cd"}, "contains a character that cannot be stored"),
        ({"q-q-text": "x" * 20_000}, "That answer is too long"),
        ({"shown-q-numeric": DEEP, "q-q-numeric": "12"}, "The form was damaged"),
        ({"shown-q-text": "9" * 5000, "q-q-text": "mode"}, "The form was damaged"),
    ],
    ids=[
        "400-digit-number",
        "deep-brackets-as-number",
        "huge-float",
        "nul-in-text",
        "long-text",
        "deep-brackets-in-shown",
        "huge-integer-in-shown",
    ],
)
def test_bad_form_input_is_a_400_that_changes_nothing(quiz, learner, fields, message) -> None:
    client = _form_client(learner)
    attempt = _start(client)
    _save_answer(client, attempt)
    before = attempt_state(attempt)
    response = client.post(
        f"/attempts/{attempt.pk}/", {"action": "save", **_shown_fields(attempt), **fields}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert attempt_state(attempt) == before


def test_deep_brackets_as_a_text_answer_are_just_text(quiz, learner) -> None:
    client = _form_client(learner)
    attempt = _start(client)
    response = client.post(
        f"/attempts/{attempt.pk}/",
        {"action": "save", **_shown_fields(attempt), "q-q-text": "[" * 5000},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {"q-text": "[" * 5000}


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "save"},
        {"action": "save", "q-q-numeric": "", "q-q-text": ""},
        {"action": "save", "q-q-numeric": "7", "q-q-multiple": ["a"]},
    ],
    ids=["nothing", "cleared-values", "new-values"],
)
def test_a_form_post_without_its_shown_fields_changes_nothing(quiz, learner, fields) -> None:
    client = _form_client(learner)
    attempt = _start(client)
    _save_answer(client, attempt)
    before = attempt_state(attempt)
    response = client.post(f"/attempts/{attempt.pk}/", fields)
    assert response.status_code == 302
    assert attempt_state(attempt) == before


def test_a_submit_without_its_shown_fields_scores_what_was_saved(quiz, learner) -> None:
    client = _form_client(learner)
    attempt = _start(client)
    _save_answer(client, attempt)
    response = client.post(f"/attempts/{attempt.pk}/", {"action": "submit", "q-q-text": "x"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.answers == {"q-numeric": 1024.0, "q-text": "mode"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"answers": {"q-numeric": 10**399}}, "That number is too large."),
        ({"answers": {"q-numeric": -(10**399)}}, "That number is too large."),
        ({"answers": {"q-numeric": "1" * 400}}, "That number is too long."),
        ({"answers": {"q-numeric": "\ud800"}}, "cannot be stored"),
        ({"answers": {"q-text": "\ud800"}}, "cannot be stored"),
        ({"answers": {"q-text": "a\x00b"}}, "cannot be stored"),
        ({"answers": {"q-multiple": ["\ud800"]}}, "cannot be stored"),
        ({"answers": {"\ud800": "x"}}, "is not part of this attempt"),
        ({"answers": {"q-text": {"nested": [1, 2]}}}, "A text answer must be a string."),
        ({"answers": []}, "Expected a dictionary"),
        ([1, 2, 3], "Invalid data"),
        ("just a string", "Invalid data"),
        (None, "No data provided"),
    ],
    ids=[
        "400-digit-int",
        "negative-400-digit-int",
        "400-digit-string",
        "surrogate-number",
        "surrogate-text",
        "nul-text",
        "surrogate-option",
        "surrogate-key",
        "dict-as-text",
        "answers-a-list",
        "body-a-list",
        "body-a-string",
        "body-null",
    ],
)
def test_bad_api_input_is_a_400_that_changes_nothing(quiz, learner, body, message) -> None:
    attempt = _start(_form_client(learner))
    before = attempt_state(attempt)
    response = _api_client(learner).post(
        f"/api/attempts/{attempt.pk}/answers/",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert message in response.json()["error"] + json.dumps(response.json().get("fields", {}))
    assert attempt_state(attempt) == before


@pytest.mark.parametrize(
    "raw",
    [
        ('{"answers": {"q-text": ' + DEEP + "}}").encode(),
        ('{"answers": {"q-numeric": 1' + "0" * 5000 + "}}").encode(),
        b'{"answers": {"q-text": "x"}',
        b'{"answers": {"q-text": "\xff\xfe"}}',
    ],
    ids=["deep-nesting", "5000-digit-int", "truncated", "not-utf-8"],
)
def test_unparsable_api_bodies_are_a_400(quiz, learner, raw) -> None:
    attempt = _start(_form_client(learner))
    before = attempt_state(attempt)
    response = _api_client(learner).post(
        f"/api/attempts/{attempt.pk}/answers/",
        data=raw,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"].startswith("JSON parse error")
    assert attempt_state(attempt) == before
