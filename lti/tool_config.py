"""The glue pylti1p3 asks for: registrations and deployments read from the database, and its
login state kept in the database (so any web process can finish a login another one began).

pylti1p3 does the JWT, JWKS and OIDC work; these classes only answer its look-ups. An unknown
issuer, a wrong audience (a client id the issuer never registered) and an unknown deployment
raise `LaunchRefused`, so each refusal has its own reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from pylti1p3.deployment import Deployment as PyltiDeployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from lti.errors import LaunchRefused
from lti.keys import tool_key_current
from lti.models import Deployment, LoginState, Platform


def platform_for(issuer: str, client_id: str | None) -> Platform:
    """The active registration of this issuer and client id (the launch's `aud`)."""
    platforms = Platform.objects.filter(issuer=issuer, is_active=True)
    if not platforms.exists():
        raise LaunchRefused("unknown-issuer", "This LMS is not registered with Academy.")
    if client_id:
        platform = platforms.filter(client_id=client_id).first()
    else:
        # A login request may leave out the client id: fine while the issuer has only one.
        candidates = list(platforms[:2])
        platform = candidates[0] if len(candidates) == 1 else None
    if platform is None:
        raise LaunchRefused(
            "wrong-audience", "This launch is addressed to a client Academy does not know."
        )
    return platform


def registration_for(platform: Platform) -> Registration:
    key = tool_key_current()
    registration = Registration()
    registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url)
    registration.set_auth_token_url(platform.auth_token_url)
    registration.set_key_set_url(platform.key_set_url)
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    registration.set_tool_private_key(key.private_pem)
    registration.set_tool_public_key(key.public_pem)
    return registration


class ToolConf(ToolConfAbstract[Any]):
    """Every issuer may hold several client ids (LTI 1.3's "one issuer, many clients")."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return registration_for(platform_for(iss, None))

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        return registration_for(platform_for(iss, client_id))

    def find_deployment(self, iss: str, deployment_id: str) -> PyltiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> PyltiDeployment | None:
        platform = platform_for(iss, client_id or None)
        if not Deployment.objects.filter(platform=platform, deployment_id=deployment_id).exists():
            raise LaunchRefused(
                "unknown-deployment", "This LMS deployment is not registered with Academy."
            )
        return PyltiDeployment().set_deployment_id(deployment_id)


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """pylti1p3's key-value store over `LoginState`. Over HTTPS the keys are bound to the
    browser by pylti1p3's session-id cookie (SameSite=None; Secure, so it works in an iframe).

    Checking a nonce deletes it: the library only asks "is this nonce known?", so deleting on the
    answer is what makes a replayed id_token fail. The launch runs in a transaction that is rolled
    back when the launch is refused, so a refused launch consumes nothing.
    """

    DEFAULT_LIFETIME_SECONDS = 3600

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def get_session_cookie_name(self) -> str | None:
        request = self._request
        if request is None or not request.is_secure():
            return None
        return super().get_session_cookie_name()

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = (
            LoginState.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now())
            .values_list("value", flat=True)
            .first()
        )
        return row

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        lifetime = exp or self.DEFAULT_LIFETIME_SECONDS
        LoginState.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={"value": value, "expires_at": timezone.now() + timedelta(seconds=lifetime)},
        )

    def check_value(self, key: str) -> bool:
        prepared = self._prepare_key(key)
        if "-nonce-" in prepared:
            with transaction.atomic():
                deleted, _ = LoginState.objects.filter(
                    key=prepared, expires_at__gt=timezone.now()
                ).delete()
            return deleted > 0
        return LoginState.objects.filter(key=prepared, expires_at__gt=timezone.now()).exists()


def login_states_prune() -> int:
    """Delete login state past its lifetime (unused nonces, old states and launch data)."""
    deleted, _ = LoginState.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
