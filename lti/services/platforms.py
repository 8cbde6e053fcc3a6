"""Registering an LMS with Academy (the admin does the same through its forms)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from lti.models import Deployment, Platform


@transaction.atomic
def platform_register(
    *,
    name: str,
    issuer: str,
    client_id: str,
    deployment_ids: list[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str = "",
) -> tuple[Platform, bool]:
    """Create or update the registration of (issuer, client id) and add its deployments.
    Bad values raise ValidationError and save nothing."""
    platform = Platform.objects.filter(issuer=issuer, client_id=client_id).first()
    created = platform is None
    if platform is None:
        platform = Platform(issuer=issuer, client_id=client_id)
    platform.name = name
    platform.auth_login_url = auth_login_url
    platform.auth_token_url = auth_token_url
    platform.key_set_url = key_set_url
    platform.auth_audience = auth_audience
    platform.full_clean(validate_unique=False)
    platform.save()
    for deployment_id in deployment_ids:
        deployment_id = deployment_id.strip()
        if not deployment_id:
            raise ValidationError(gettext("A deployment id cannot be blank."))
        Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return platform, created
