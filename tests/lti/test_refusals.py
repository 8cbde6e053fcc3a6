"""Every refused launch answers a clear page (403) with its reason, logs one line and changes
nothing: no account, identity, enrolment, link or context appears."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model

from courseware.models import Enrolment
from lti.models import Context, Deployment, Identity, Platform, ResourceLink
from tests.lti.conftest import QUIZ_TARGET
from tests.lti.platform import LEARNER, MENTOR, LaunchSpec, new_private_key

TARGET = {"academy_target": QUIZ_TARGET}


def _counts() -> tuple[int, ...]:
    return (
        get_user_model().objects.count(),
        Identity.objects.count(),
        Enrolment.objects.count(),
        ResourceLink.objects.count(),
        Context.objects.count(),
    )


def _forged(token: str) -> str:
    """The same signature over another body: the learner claims to be someone else."""
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, forged, signature])


def _assert_refused(outcome: Any, reason: str, before: tuple[int, ...], caplog: Any) -> None:
    response = outcome.response
    assert response.status_code == 403, response.text
    assert response.headers["X-LTI-Refusal"] == reason
    assert "Academy could not open this link" in response.text
    assert _counts() == before
    assert any(
        f"lti refused: reason={reason}" in record.getMessage() for record in caplog.records
    ), [r.getMessage() for r in caplog.records]


@pytest.fixture
def refused(lti_launch: Any, course: Any, caplog: Any) -> Any:
    caplog.set_level(logging.WARNING, logger="lti.views")

    def run(reason: str, spec: LaunchSpec | None = None, **options: Any) -> None:
        before = _counts()
        outcome = lti_launch(
            spec or LaunchSpec(sub="s-1", roles=[LEARNER], custom=TARGET), **options
        )
        _assert_refused(outcome, reason, before, caplog)

    return run


def test_a_forged_body_is_a_bad_signature(refused: Any) -> None:
    refused("bad-signature", tamper=_forged)


def test_a_token_signed_by_another_key_is_a_bad_signature(refused: Any) -> None:
    refused("bad-signature", private_pem=new_private_key()[0])


def test_an_unknown_issuer_is_refused(refused: Any, platform: Any) -> None:
    def other_issuer() -> None:
        platform.issuer = "https://unknown-lms.example.org"

    refused("unknown-issuer", between=other_issuer)


def test_an_unknown_issuer_is_refused_at_login(platform: Any, course: Any) -> None:
    Platform.objects.all().delete()
    spec = LaunchSpec(sub="s-1", roles=[LEARNER], custom=TARGET)
    page = requests.get(
        platform.preflight_url(spec) + "&lti1p3_new_window=1", allow_redirects=False
    )

    assert page.status_code == 403
    assert page.headers["X-LTI-Refusal"] == "unknown-issuer"


def test_a_wrong_audience_is_refused(refused: Any) -> None:
    def reregister() -> None:
        Platform.objects.update(client_id="another-client")

    refused("wrong-audience", between=reregister)


def test_an_unknown_deployment_is_refused(refused: Any) -> None:
    def forget_deployment() -> None:
        Deployment.objects.all().delete()

    refused("unknown-deployment", between=forget_deployment)


def test_an_expired_token_is_refused(refused: Any) -> None:
    refused("expired", spec=LaunchSpec(sub="s-1", roles=[LEARNER], custom=TARGET, expires_in=-120))


def test_a_replayed_token_is_refused(lti_launch: Any, course: Any, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="lti.views")
    first = lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], custom=TARGET))
    assert first.response.status_code == 302
    before = _counts()

    data = first.launch_data
    replay = first.session.post(
        data["launch_url"],
        data={"id_token": data["id_token"], "state": data["state"]},
        allow_redirects=False,
    )

    assert replay.status_code == 403
    assert replay.headers["X-LTI-Refusal"] == "replayed-nonce"
    assert _counts() == before


def test_a_state_the_browser_never_got_is_refused(
    lti_launch: Any, course: Any, caplog: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="lti.views")
    first = lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], custom=TARGET))
    before = _counts()
    data = first.launch_data

    stranger = requests.post(
        data["launch_url"],
        data={"id_token": data["id_token"], "state": "state-made-up"},
        allow_redirects=False,
    )

    assert stranger.status_code == 403
    assert stranger.headers["X-LTI-Refusal"] == "bad-state"
    assert _counts() == before


def test_a_missing_roles_claim_is_refused(refused: Any) -> None:
    spec = LaunchSpec(
        sub="s-1",
        roles=[LEARNER],
        custom=TARGET,
        omit_claims=("https://purl.imsglobal.org/spec/lti/claim/roles",),
    )
    refused("missing-claim", spec=spec)


def test_a_link_that_names_no_content_is_refused(refused: Any) -> None:
    refused("missing-claim", spec=LaunchSpec(sub="s-1", roles=[LEARNER]))


def test_a_link_to_content_that_does_not_exist_is_refused(refused: Any) -> None:
    spec = LaunchSpec(sub="s-1", roles=[LEARNER], custom={"academy_target": "quiz:algebra/nope"})
    refused("unknown-target", spec=spec)


def test_a_role_the_link_does_not_allow_is_refused(refused: Any) -> None:
    spec = LaunchSpec(
        sub="s-1",
        roles=[LEARNER],
        custom={"academy_target": QUIZ_TARGET, "academy_roles": "instructor,ta"},
    )
    refused("role-not-allowed", spec=spec)


def test_a_role_academy_does_not_have_is_refused(refused: Any) -> None:
    refused("role-not-allowed", spec=LaunchSpec(sub="s-1", roles=[MENTOR], custom=TARGET))
