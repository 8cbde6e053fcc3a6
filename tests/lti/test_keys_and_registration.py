"""Academy's JWKS with key rotation, platform registration by command (bad input changes
nothing), and the iframe cookies of a session begun by a launch."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from lti.keys import tool_key_current, tool_key_rotate, tool_keys_prune
from lti.middleware import LtiFrameCookiesMiddleware
from lti.models import Deployment, Platform, ToolKey

pytestmark = pytest.mark.django_db


def _kids(client: Any) -> list[str]:
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    return [key["kid"] for key in response.json()["keys"]]


def test_the_jwks_keeps_the_old_key_until_it_retires(client: Any) -> None:
    first = tool_key_current()
    assert _kids(client) == [first.kid]

    second = tool_key_rotate()

    assert tool_key_current() == second
    assert set(_kids(client)) == {first.kid, second.kid}
    first.refresh_from_db()
    assert first.retire_at is not None and first.retire_at > timezone.now()
    assert tool_keys_prune() == 0

    ToolKey.objects.filter(pk=first.pk).update(retire_at=timezone.now() - timedelta(seconds=1))
    assert _kids(client) == [second.kid]
    assert tool_keys_prune() == 1
    assert list(ToolKey.objects.values_list("kid", flat=True)) == [second.kid]


def test_the_keys_command_rotates() -> None:
    out = StringIO()
    call_command("lti_keys", "rotate", stdout=out)
    call_command("lti_keys", "rotate", stdout=out)

    assert ToolKey.objects.filter(retire_at__isnull=True, is_current=True).count() == 1
    assert ToolKey.objects.count() == 2
    assert "New signing key" in out.getvalue()


ARGS = [
    "--name=Moodle",
    "--issuer=https://moodle.example.org",
    "--client-id=abc123",
    "--deployment-id=1",
    "--deployment-id=2",
    "--auth-login-url=https://moodle.example.org/mod/lti/auth.php",
    "--auth-token-url=https://moodle.example.org/mod/lti/token.php",
    "--key-set-url=https://moodle.example.org/mod/lti/certs.php",
]


def test_the_platform_command_registers_and_updates() -> None:
    call_command("lti_platform", *ARGS, stdout=StringIO())
    call_command(
        "lti_platform",
        *ARGS[:-1],
        "--key-set-url=https://moodle.example.org/k",
        "--deployment-id=3",
        stdout=StringIO(),
    )

    platform = Platform.objects.get()
    assert (platform.issuer, platform.client_id, platform.key_set_url) == (
        "https://moodle.example.org",
        "abc123",
        "https://moodle.example.org/k",
    )
    assert sorted(Deployment.objects.values_list("deployment_id", flat=True)) == ["1", "2", "3"]


def test_a_bad_registration_is_refused_and_saves_nothing() -> None:
    with pytest.raises(CommandError, match="Enter a valid URL"):
        call_command("lti_platform", *ARGS[:-1], "--key-set-url=not a url", stdout=StringIO())
    with pytest.raises(CommandError, match="deployment id cannot be blank"):
        call_command("lti_platform", *ARGS, "--deployment-id= ", stdout=StringIO())

    assert Platform.objects.count() == 0
    assert Deployment.objects.count() == 0


def _through_middleware(session: dict[str, Any], secure: bool) -> HttpResponse:
    request = RequestFactory().get("/", secure=secure)
    request.session = session  # type: ignore[assignment]
    response = HttpResponse()
    response.set_cookie("sessionid", "x", samesite="Lax")
    response.set_cookie("csrftoken", "y", samesite="Lax")
    return LtiFrameCookiesMiddleware(lambda _: response)(request)


def test_a_launched_session_gets_iframe_cookies_over_https() -> None:
    response = _through_middleware({"lti": {"platform": "x"}}, secure=True)

    for name in ("sessionid", "csrftoken"):
        assert response.cookies[name]["samesite"] == "None"
        assert response.cookies[name]["secure"] is True


def test_other_sessions_keep_lax_cookies() -> None:
    assert _through_middleware({}, secure=True).cookies["sessionid"]["samesite"] == "Lax"
    assert _through_middleware({"lti": {}}, secure=False).cookies["sessionid"]["samesite"] == "Lax"


def test_there_is_never_a_second_current_key() -> None:
    from django.db import IntegrityError, transaction

    current = tool_key_current()

    with pytest.raises(IntegrityError), transaction.atomic():
        ToolKey.objects.create(kid="other", private_pem="-", public_pem="-", is_current=True)
    assert tool_key_current() == current


def test_an_administrator_registers_a_platform_with_its_deployments(admin_client: Any) -> None:
    form = {
        "name": "Canvas",
        "issuer": "https://canvas.instructure.com",
        "client_id": "10000000000001",
        "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
        "auth_audience": "",
        "is_active": "on",
        "deployments-TOTAL_FORMS": "2",
        "deployments-INITIAL_FORMS": "0",
        "deployments-MIN_NUM_FORMS": "0",
        "deployments-MAX_NUM_FORMS": "1000",
        "deployments-0-deployment_id": "1:abc",
        "deployments-1-deployment_id": "2:def",
    }

    response = admin_client.post("/admin/lti/platform/add/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    platform = Platform.objects.get()
    assert platform.client_id == "10000000000001"
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == [
        "1:abc",
        "2:def",
    ]
    assert admin_client.get("/admin/lti/toolkey/").status_code == 200
