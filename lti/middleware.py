"""Cookies of a session begun by an LTI launch work inside the LMS's iframe.

A page framed by the LMS is a third-party context: browsers send it only cookies marked
SameSite=None; Secure. After a launch this middleware marks the session and CSRF cookies so,
over HTTPS (plain http cannot carry a Secure cookie); other sessions keep Django's Lax.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

LTI_SESSION_KEY = "lti"


class LtiFrameCookiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not request.is_secure() or LTI_SESSION_KEY not in session:
            return response
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            if name in response.cookies:
                response.cookies[name]["samesite"] = "None"
                response.cookies[name]["secure"] = True
        return response
