"""pylti1p3's Django login and launch objects as Academy uses them: login state in the
database, a cookie check that fits Academy's CSP, and refusals turned into `LaunchRefused`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from lti.errors import LaunchRefused
from lti.tool_config import DatabaseLaunchStorage, ToolConf

# pylti1p3's messages, mapped to the refusal reasons Academy logs.
_REASONS = (
    ("State not found", "bad-state"),
    ("Missing state param", "bad-state"),
    ("Invalid Nonce", "replayed-nonce"),
    ('"nonce" is empty', "missing-claim"),
    ("Signature has expired", "expired"),
    ("Can't decode id_token", "bad-signature"),
    ("Unable to find public key", "bad-signature"),
    ("JWT KID not found", "bad-signature"),
    ("JWT ALG not found", "bad-signature"),
    ("Invalid JWT format", "bad-signature"),
    ("Invalid id_token", "bad-signature"),
    ("Client id not registered", "wrong-audience"),
)

PLAIN_MESSAGES = {
    "bad-state": "This launch did not start from a login Academy knows (its state is unknown).",
    "replayed-nonce": "This launch was already used or has expired. Launch again from the LMS.",
    "expired": "This launch has expired. Launch again from the LMS.",
    "bad-signature": "This launch is not signed by the LMS Academy has registered.",
    "wrong-audience": "This launch is addressed to a client Academy does not know.",
}


def refusal_of(error: Exception) -> LaunchRefused:
    if isinstance(error, LaunchRefused):
        return error
    text = str(error)
    for fragment, reason in _REASONS:
        if fragment in text:
            return LaunchRefused(reason, PLAIN_MESSAGES.get(reason, text))
    if isinstance(error, OIDCException):
        return LaunchRefused("bad-login", f"This login request is incomplete: {text}")
    return LaunchRefused("missing-claim", f"This launch is incomplete: {text}")


class AcademyOIDCLogin(DjangoOIDCLogin):  # type: ignore[misc]
    """pylti1p3's OIDC login, with its cookie check rendered from Academy's template (its own
    page holds inline script, which Academy's CSP forbids)."""

    def get_cookies_allowed_js_check(self) -> str:
        names = ["iss", "login_hint", "target_link_uri", "lti_message_hint"]
        names += ["lti_deployment_id", "client_id"]
        params = {"lti1p3_new_window": "1"}
        for name in names:
            value = self._get_request_param(name)
            if value:
                params[name] = value
        return render_to_string(
            "lti/cookie_check.html",
            {"query": urlencode(params)},
            request=self._request._request,
        )


def oidc_login(request: HttpRequest) -> AcademyOIDCLogin:
    login = AcademyOIDCLogin(request, ToolConf(), launch_data_storage=DatabaseLaunchStorage())
    login.enable_check_cookies()
    return login


def message_launch(request: HttpRequest) -> Any:
    return DjangoMessageLaunch(request, ToolConf(), launch_data_storage=DatabaseLaunchStorage())


def message_launch_cached(request: HttpRequest, launch_id: str) -> Any:
    try:
        return DjangoMessageLaunch.from_cache(
            launch_id, request, ToolConf(), launch_data_storage=DatabaseLaunchStorage()
        )
    except LtiException as error:
        raise LaunchRefused("expired", "This deep-linking session has expired.") from error
