"""How the server-rendered pages answer a refused request: the error page and its decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from courseware.errors import ApplicationError

# Any response: a page, a redirect, or a streamed download (StreamingHttpResponse).
View = Callable[..., HttpResponseBase]


def error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The error's message on the site's error page, with the error's status code."""
    return render(
        request, "courseware/error.html", {"message": error.message}, status=error.status_code
    )


def handles_application_errors(view: View) -> View:
    """An ApplicationError raised by the view becomes the error page instead of a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            return error_page(request, error)

    return wrapper
