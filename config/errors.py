"""The site's answer to an unhandled error (Django's handler500).

A database that cannot be reached (a restart, a failover) is not a bug in the page: the answer is
503 with a Retry-After, saying plainly that the request was not completed, so a learner knows
to try again rather than wonder whether a submission went through (it did not: its transaction
never committed). Any other error is Django's own 500 page.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error as default_server_error

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = (
    "The site could not reach its database just now, so this request was not completed. "
    "Nothing of it was saved; please try again in a few seconds."
)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, (OperationalError, InterfaceError)):
        return default_server_error(request)
    response: HttpResponse
    if request.accepts("text/html"):
        response = HttpResponse(
            f"<!doctype html><title>Briefly unavailable</title><h1>Briefly unavailable</h1>"
            f"<p>{UNAVAILABLE}</p>",
            status=503,
        )
    else:
        response = JsonResponse({"error": UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
