"""Drafts: the exercise page's autosave. Bounded like a submission, one row per learner and
exercise, readable and writable by its learner only, and the page opens with the newest code."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils.html import escape

from courseware.errors import ApplicationError
from grading import services
from grading.models import Draft, Exercise, Submission
from grading.notebooks import MAX_ANSWER_BYTES
from grading.views import MAX_DRAFT_BODY_PER_CELL
from tests.grading.exercise_factory import make_exercise

DRAFT_URL = "/exercises/test-course/stable-softmax/draft/"
PAGE_URL = "/exercises/test-course/stable-softmax/"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client: Client, body: object, *, csrf: bool = True):
    headers = {}
    if csrf:
        client.get(PAGE_URL)  # sets the CSRF cookie, as the page does for the script
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(DRAFT_URL, data=data, content_type="application/json", headers=headers)


def _textarea(html: str) -> str:
    start = html.index('id="code-answer"')
    start = html.index(">", start) + 1
    return html[start : html.index("</textarea>", start)]


def test_draft_save_creates_then_replaces_one_row(exercise, learner) -> None:
    first = services.draft_save(user=learner, exercise=exercise, code={"answer": "x = 1\n"})
    second = services.draft_save(user=learner, exercise=exercise, code={"answer": "x = 2\n"})
    assert first.pk == second.pk
    assert Draft.objects.filter(user=learner, exercise=exercise).count() == 1
    assert Draft.objects.get(pk=first.pk).code == {"answer": "x = 2\n"}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (None, "A draft is an object of answer cells and their code."),
        ({}, "A draft is an object of answer cells and their code."),
        (["x = 1"], "A draft is an object of answer cells and their code."),
        ({"nope": "x = 1"}, "This exercise has no answer cell 'nope': reload the page."),
        ({"answer": 5}, "The code of 'answer' is not text."),
        ({"answer": "x = '\x00'"}, "Your code contains a NUL character."),
        ({"answer": "#" * (MAX_ANSWER_BYTES + 1)}, "Your code is larger than 100 KB."),
    ],
)
def test_draft_save_refuses_bad_input(exercise, learner, code, message) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.draft_save(user=learner, exercise=exercise, code=code)
    assert str(refused.value) == message
    assert refused.value.status_code == 400
    assert not Draft.objects.exists()


def test_draft_at_the_limit_is_kept(exercise, learner) -> None:
    code = "#" * MAX_ANSWER_BYTES
    services.draft_save(user=learner, exercise=exercise, code={"answer": code})
    assert Draft.objects.get(user=learner).code == {"answer": code}


def test_endpoint_saves_and_the_page_opens_with_the_draft(exercise, learner) -> None:
    client = _client(learner)
    response = _post(client, {"code": {"answer": "def softmax(x):\n    return x  # <mine>\n"}})
    assert response.status_code == 200
    draft = Draft.objects.get(user=learner, exercise=exercise)
    assert response.json() == {"saved_at": draft.updated_at.isoformat()}
    page = client.get(PAGE_URL).content.decode()
    assert _textarea(page) == "def softmax(x):\n    return x  # &lt;mine&gt;\n"


def test_endpoint_answers_bad_input_with_400_and_a_message(exercise, learner) -> None:
    client = _client(learner)
    not_json = _post(client, "{not json")
    assert (not_json.status_code, not_json.json()) == (
        400,
        {"error": "The draft is not valid JSON."},
    )
    nul = _post(client, {"code": {"answer": "\x00"}})
    assert (nul.status_code, nul.json()) == (400, {"error": "Your code contains a NUL character."})
    no_code = _post(client, {"answers": {"answer": "x"}})
    assert no_code.status_code == 400
    assert no_code.json() == {"error": "A draft is an object of answer cells and their code."}
    assert not Draft.objects.exists()


def test_endpoint_bound_lets_every_valid_draft_through_and_no_more(exercise, learner) -> None:
    client = _client(learner)
    # The largest valid draft in its longest spelling (\u0001 is six bytes of JSON per byte).
    longest = json.dumps({"code": {"answer": "\x01" * MAX_ANSWER_BYTES}})
    assert len(longest) > 6 * MAX_ANSWER_BYTES
    assert _post(client, longest).status_code == 200
    Draft.objects.all().delete()
    # Padding past the bound is refused before the body is parsed.
    padded = json.dumps({"code": {"answer": "x = 1\n"}}) + " " * MAX_DRAFT_BODY_PER_CELL
    response = _post(client, padded)
    assert response.status_code == 413
    assert response.json() == {"error": "This draft is too large to save."}
    assert not Draft.objects.exists()


def test_endpoint_needs_the_csrf_token(exercise, learner) -> None:
    response = _post(_client(learner), {"code": {"answer": "x = 1\n"}}, csrf=False)
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_endpoint_takes_post_only(exercise, learner) -> None:
    services.draft_save(user=learner, exercise=exercise, code={"answer": "secret = 1\n"})
    response = _client(learner).get(DRAFT_URL)
    assert response.status_code == 405
    assert b"secret" not in response.content


def test_anonymous_is_sent_to_log_in_and_nothing_is_saved(exercise) -> None:
    client = Client()
    response = client.post(
        DRAFT_URL, data=json.dumps({"code": {"answer": "x = 1\n"}}), content_type="application/json"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Draft.objects.exists()


def test_another_learner_neither_reads_nor_overwrites_a_draft(
    exercise, learner, other_learner
) -> None:
    services.draft_save(user=learner, exercise=exercise, code={"answer": "mine = 1\n"})
    other = _client(other_learner)
    page = other.get(PAGE_URL).content.decode()
    assert "mine = 1" not in page
    assert _textarea(page) == escape(exercise.starter_code["answer"])
    # Saving writes the other learner's own row; the first learner's draft is untouched.
    assert _post(other, {"code": {"answer": "theirs = 2\n"}}).status_code == 200
    assert Draft.objects.get(user=learner).code == {"answer": "mine = 1\n"}
    assert Draft.objects.get(user=other_learner).code == {"answer": "theirs = 2\n"}


def test_page_opens_with_the_newer_of_draft_and_submission(exercise, learner) -> None:
    client = _client(learner)
    draft = services.draft_save(user=learner, exercise=exercise, code={"answer": "draft = 1\n"})
    submission = services.submission_create(
        user=learner, exercise=exercise, code={"answer": "sent = 1\n"}
    )
    # A submission made after the draft (an uploaded notebook, say) is what the page shows.
    Draft.objects.filter(pk=draft.pk).update(
        updated_at=submission.created_at - timedelta(seconds=1)
    )
    assert _textarea(client.get(PAGE_URL).content.decode()) == "sent = 1\n"
    # Typing after submitting saves a newer draft, which wins.
    services.draft_save(user=learner, exercise=exercise, code={"answer": "draft = 2\n"})
    assert _textarea(client.get(PAGE_URL).content.decode()) == "draft = 2\n"
    assert Submission.objects.get(pk=submission.pk).answers == {"answer": "sent = 1\n"}


def test_page_loads_the_editor_with_the_style_nonce_of_its_policy(exercise, learner) -> None:
    response = _client(learner).get(PAGE_URL)
    policy = response["Content-Security-Policy"]
    style_src = next(p.split()[1:] for p in policy.split(";") if p.split()[:1] == ["style-src"])
    assert style_src[0] == "'self'" and style_src[1].startswith("'nonce-")
    nonce = style_src[1][len("'nonce-") : -1]
    html = response.content.decode()
    assert f'src="/static/js/editor.bundle.js" defer nonce="{nonce}"' in html
    assert 'data-editor="python"' in html and 'name="code-answer"' in html
