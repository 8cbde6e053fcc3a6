"""The site's access checks for pages, one helper per kind of check.

`instructor_required` is the one check for instructor pages (dashboards, item analysis,
regrading, the submissions list): anonymous visitors are sent to the site's login page and come
back afterwards; a logged-in learner gets a 403 page that says why. Django's
`staff_member_required` is not used, because it sends learners to the admin's login, where
logging in again cannot help them.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from courseware.errors import ApplicationError
from courseware.http import View, error_page

INSTRUCTORS_ONLY = "This page is for instructors."


def instructor_required(view: View) -> View:
    """Instructors (staff users) only: anonymous visitors log in first, learners get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if not request.user.is_staff:
            return error_page(request, ApplicationError(INSTRUCTORS_ONLY, status_code=403))
        return view(request, *args, **kwargs)

    return wrapper
