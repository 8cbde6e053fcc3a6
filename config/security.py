"""Login throttling helpers (django-axes counts failed logins per username and per address).

Django's login form does not bound the username before authenticating, and axes records every
failure: the name it records is cut to its column and cleaned of what PostgreSQL cannot store,
so a 5000-character username is a failed login, not a 500.

Behind the TLS proxy every request comes from the proxy's address, so the learner's address is
read from X-Forwarded-For, but only the entry our own proxies wrote: anything to its left was
sent by the client and could be forged to dodge the per-address limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

# The length of django-axes' username column: a longer name must not fail the insert.
MAX_RECORDED_USERNAME = 255


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as the outermost of TRUSTED_PROXY_COUNT proxies saw it."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    return hops[-proxies]


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username of a login attempt, as axes records and counts it."""
    field: str = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "data", request.POST).get(field)
    if raw is None:
        return None
    text = str(raw).replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:MAX_RECORDED_USERNAME]
