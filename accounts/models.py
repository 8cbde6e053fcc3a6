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
