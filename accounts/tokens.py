"""E-mail verification links, signed by Django's own token generator (the one password-reset
links use) under a salt of their own, so a reset token never verifies and the reverse."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # The address and its state are hashed in: a link stops working once used, and a link
        # sent to an earlier address never verifies a later one.
        verified = getattr(getattr(user, "profile", None), "email_verified", False)
        return f"{user.pk}{user.password}{timestamp}{user.email}{verified}"


email_verification_token = EmailVerificationTokenGenerator()
