"""Academy's own signing keys: made with `cryptography`, published as a JWKS, rotated.

The newest key signs. Rotating makes a new key and gives the one before it a retirement time
one token lifetime ahead: platforms that cached the JWKS, and tokens signed a moment ago, still
verify; `tool_keys_prune` deletes keys past their retirement.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from pylti1p3.registration import Registration

from lti.models import ToolKey

KEY_SIZE = 2048


def _published() -> Any:
    return ToolKey.objects.filter(Q(retire_at__isnull=True) | Q(retire_at__gt=timezone.now()))


@transaction.atomic
def tool_key_rotate() -> ToolKey:
    """A new signing key; the keys before it retire once their tokens have expired."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    # The kid is the key's JWK thumbprint: the value pylti1p3 puts in the headers it signs.
    kid = str(Registration.get_jwk(public_pem)["kid"])
    retire_at = timezone.now() + timedelta(seconds=settings.LTI_KEY_OVERLAP_SECONDS)
    ToolKey.objects.select_for_update().filter(is_current=True).update(
        is_current=False, retire_at=retire_at
    )
    return ToolKey.objects.create(kid=kid, private_pem=private_pem, public_pem=public_pem)


def tool_key_current() -> ToolKey:
    """The signing key, made on first use so a fresh install can launch at once. Two processes
    making the first key together: one insert wins (one current key), the other reads it."""
    key = ToolKey.objects.filter(is_current=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return tool_key_rotate()
    except IntegrityError:
        return ToolKey.objects.get(is_current=True)


def tool_keys_prune() -> int:
    """Delete keys past their retirement; returns how many."""
    deleted, _ = ToolKey.objects.filter(retire_at__lte=timezone.now()).delete()
    return deleted


def tool_jwks() -> dict[str, list[dict[str, Any]]]:
    """The public half of every key still published, newest first."""
    return {"keys": [dict(Registration.get_jwk(key.public_pem)) for key in _published()]}
