"""Personal API tokens: made on the account page and shown once, stored as a SHA-256 only,
their last use recorded, revoked for good; token requests skip CSRF, the session does not."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from accounts.api_tokens import MAX_ACTIVE_TOKENS
from accounts.models import ApiToken
from courseware.models import LessonRead
from tests.api.conftest import token_client


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(people) -> None:
    client = _logged_in(people["learner"])

    response = client.post("/accounts/tokens/", {"name": "  laptop  "})

    assert response.status_code == 201
    token = ApiToken.objects.get(user=people["learner"])
    secret = response.context["new_token"].secret
    assert secret.startswith(f"academy_{token.prefix}_")
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert token.name == "laptop"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values_list()))
    again = client.get("/accounts/")
    assert secret not in again.content.decode()
    assert "laptop" in again.content.decode()
    assert f"academy_{token.prefix}_" in again.content.decode()


def test_a_token_without_a_name_is_refused_and_nothing_is_made(people) -> None:
    response = _logged_in(people["learner"]).post("/accounts/tokens/", {"name": "   "})

    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_token_authenticates_and_its_last_use_is_recorded(tokens, people) -> None:
    token = ApiToken.objects.get(user=people["learner"])
    assert token.last_used_at is None

    response = token_client(tokens["learner"]).get("/api/courses/mini/progress/")

    assert response.status_code == 200
    assert response.json()["course"] == "mini"
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = _logged_in(people["learner"]).get("/accounts/").content.decode()
    assert "never" not in page.split("learner&#x27;s script")[1].split("</tr>")[0]


def test_a_revoked_token_is_refused_from_then_on(tokens, people) -> None:
    token = ApiToken.objects.get(user=people["learner"])
    client = _logged_in(people["learner"])

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = token_client(tokens["learner"]).get("/api/courses/mini/progress/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "The token is not valid or was revoked."
    assert "revoked" in client.get("/accounts/").content.decode()


def test_nobody_revokes_another_users_token(tokens, people) -> None:
    token = ApiToken.objects.get(user=people["instructor"])

    response = _logged_in(people["learner"]).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_client(tokens["instructor"]).get("/api/courses/mini/roster/").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer academy_00000000_not-a-real-secret",
        "Bearer",
        "Bearer two parts",
        "Token nonsense",
    ],
)
def test_a_bad_token_header_is_refused_not_treated_as_anonymous(tokens, header) -> None:
    client = token_client(None)
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/courses/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_token_requests_need_no_csrf_token_but_the_session_does(tokens, people, course) -> None:
    lesson = course.lessons.get(slug="first-steps")
    session = Client(enforce_csrf_checks=True)
    session.force_login(people["learner"])

    refused = session.post(f"/api/lessons/{lesson.pk}/read/")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert LessonRead.objects.count() == 0
    accepted = token_client(tokens["learner"]).post(f"/api/lessons/{lesson.pk}/read/")
    assert accepted.status_code == 200
    assert accepted.json() == {"lesson": "first-steps", "read": True, "first_time": True}


def test_an_inactive_users_token_is_refused(tokens, people) -> None:
    people["learner"].is_active = False
    people["learner"].save(update_fields=["is_active"])

    assert token_client(tokens["learner"]).get("/api/courses/").status_code == 403


def test_the_data_export_lists_tokens_without_their_hashes(tokens, people) -> None:
    token = ApiToken.objects.get(user=people["learner"])

    data = _logged_in(people["learner"]).get("/accounts/export/").json()

    assert data["api_tokens"] == [
        {
            "name": "learner's script",
            "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    assert token.key_hash not in json.dumps(data)


def test_a_bad_token_is_refused_even_beside_a_logged_in_session(tokens, people) -> None:
    """The header is what a program meant to authenticate with: a valid session cookie next to
    a revoked token must not let the request through (found by the browser test)."""
    token = ApiToken.objects.get(user=people["learner"])
    client = _logged_in(people["learner"])
    client.post(f"/accounts/tokens/{token.pk}/revoke/")

    response = client.get("/api/courses/", HTTP_AUTHORIZATION=f"Bearer {tokens['learner']}")

    assert response.status_code == 403
    assert response.json()["detail"] == "The token is not valid or was revoked."


def test_a_user_has_at_most_twenty_active_tokens(people) -> None:
    client = _logged_in(people["learner"])
    for number in range(MAX_ACTIVE_TOKENS):
        assert client.post("/accounts/tokens/", {"name": f"script {number}"}).status_code == 201

    refused = client.post("/accounts/tokens/", {"name": "one too many"})

    assert refused.status_code == 400
    assert "revoke one before making another" in refused.content.decode()
    assert ApiToken.objects.filter(user=people["learner"]).count() == MAX_ACTIVE_TOKENS
    first = ApiToken.objects.filter(user=people["learner"]).last()
    client.post(f"/accounts/tokens/{first.pk}/revoke/")
    assert client.post("/accounts/tokens/", {"name": "after revoking"}).status_code == 201
