"""The OIDC login over HTTPS: its state and session cookies work in an iframe (SameSite=None;
Secure), its state lives in the database, and expired state is pruned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.utils import timezone

from lti.models import LoginState
from lti.services.platforms import platform_register
from lti.tasks import login_states_prune_task

pytestmark = pytest.mark.django_db

ISSUER = "https://lms.example.org"


@pytest.fixture
def registered() -> None:
    platform_register(
        name="LMS",
        issuer=ISSUER,
        client_id="academy-client",
        deployment_ids=["1"],
        auth_login_url="https://lms.example.org/auth",
        auth_token_url="https://lms.example.org/token",
        key_set_url="https://lms.example.org/jwks",
    )


def test_the_login_over_https_sets_iframe_cookies_and_keeps_its_nonce(
    client: Any, registered: None
) -> None:
    query = urlencode(
        {
            "iss": ISSUER,
            "login_hint": "s-1",
            "target_link_uri": "https://testserver/lti/launch/",
            "client_id": "academy-client",
            "lti1p3_new_window": "1",
        }
    )

    response = client.get(f"/lti/login/?{query}", secure=True)

    assert response.status_code == 302
    auth = urlsplit(response["Location"])
    params = dict(parse_qsl(auth.query))
    assert f"{auth.scheme}://{auth.netloc}{auth.path}" == "https://lms.example.org/auth"
    assert params["redirect_uri"] == "https://testserver/lti/launch/"
    assert params["client_id"] == "academy-client"
    state_cookie = response.cookies[f"lti1p3-{params['state']}"]
    session_cookie = response.cookies["lti1p3-session-id"]
    for cookie in (state_cookie, session_cookie):
        assert cookie["samesite"] == "None"
        assert cookie["secure"] is True
    # The nonce is kept under the browser's session id, in the database.
    stored = LoginState.objects.get(key__endswith=f"-nonce-{params['nonce']}")
    assert session_cookie.value in stored.key


def test_expired_login_state_is_pruned() -> None:
    now = timezone.now()
    LoginState.objects.create(key="old", value=True, expires_at=now - timedelta(seconds=1))
    LoginState.objects.create(key="new", value=True, expires_at=now + timedelta(hours=1))

    assert login_states_prune_task.apply().get() == 1
    assert list(LoginState.objects.values_list("key", flat=True)) == ["new"]
