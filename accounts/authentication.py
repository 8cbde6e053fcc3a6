"""DRF authentication by personal API token: `Authorization: Bearer academy_...`.

It runs before the session: a request that sends a token is judged by the token alone, so a
revoked one is refused even from a browser that is logged in.

Token requests carry no cookie, so they need no CSRF check (DRF's SessionAuthentication keeps
enforcing it for the browser session). A header with a bad token is refused outright rather
than treated as anonymous, so a client learns at once that its token was revoked.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.api_tokens import api_token_authenticate

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header holds one token.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = api_token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid or was revoked.")
        return token.user, token

    # No authenticate_header: DRF answers a refusal as a 401 only when the first authenticator
    # offers a challenge, and the API has always refused anonymous requests with a 403 (its
    # clients and tests rely on it). The schema documents both statuses.
