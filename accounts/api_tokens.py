"""Personal API tokens: making, finding, recording the use of and revoking them.

A token reads `academy_<prefix>_<secret>`; the database keeps its SHA-256 only, so a leaked
database holds no usable token. Looking a token up by the hash of what the client sent finds
the row through a unique index without comparing secrets one by one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ApiToken
from courseware.errors import ApplicationError

TOKEN_SCHEME = "academy"
MAX_ACTIVE_TOKENS = 20
# The last use is written at most this often per token: an API client polling a submission
# would otherwise write a row on every request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the secret that is shown this once."""

    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_create(*, user: Any, name: str) -> NewToken:
    """Make a named token for the user; its secret is in the result and nowhere else."""
    name = name.strip()
    if not name:
        raise ApplicationError(gettext("Give the token a name, so you can tell it apart later."))
    if len(name) > 100:
        raise ApplicationError(gettext("A token's name has at most 100 characters."))
    with transaction.atomic():
        # The user's row is the lock: two parallel requests cannot both count 19 and make two.
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise ApplicationError(
                gettext("You have %(count)s active tokens: revoke one before making another.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        prefix = secrets.token_hex(4)
        secret = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user, name=name, prefix=prefix, key_hash=_digest(secret)
        )
    return NewToken(token=token, secret=secret)


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret (its user with it), its last use recorded; None for
    an unknown or revoked one."""
    if not secret.startswith(f"{TOKEN_SCHEME}_") or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USE_RESOLUTION:
        # A conditional UPDATE: parallel requests write the last use once, never backwards.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_RESOLUTION)
        ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, user: Any, token_pk: int) -> ApiToken:
    """Revoke one of the user's own tokens; revoking it again changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_pk).first()
        if token is None:
            raise ApplicationError(gettext("No such token."), status_code=404)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def api_tokens_of(*, user: Any) -> list[ApiToken]:
    """The user's tokens for the account page: active ones first, newest first."""
    tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
    return sorted(tokens, key=lambda token: not token.is_active)
