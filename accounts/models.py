"""What Academy keeps about a learner beyond Django's user: preferences and e-mail status."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One per user, created on first use (accounts.services.profile_get)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # An IANA name ("Europe/Berlin"); blank: the site's TIME_ZONE.
    time_zone = models.CharField(max_length=64, blank=True)
    # A code of settings.LANGUAGES; blank: what the browser asks for.
    language = models.CharField(max_length=16, blank=True)
    # Set when the learner opens a verification link (or a password-reset link, which proves
    # the address as well); cleared when the e-mail address changes.
    email_verified = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class ApiToken(models.Model):
    """A personal API token: the user names it, sees when it was last used and revokes it.

    Only the SHA-256 of the secret is stored (the secret is shown once, when it is made): the
    secret is 32 random bytes from `secrets`, so a plain fast hash is enough, a slow password
    hash would only slow every API request. `prefix` is the secret's first characters, kept so
    the account page can tell the tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...) of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
