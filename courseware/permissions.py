"""The site's access checks for instructor pages: course roles, never global staff.

`course_role_required(*roles)` guards a view whose URL names a course (`course_slug`): an
anonymous visitor is sent to the log-in page and comes back afterwards; a logged-in user
without one of the roles in that course gets a 403 page that says why; an unknown course is a
404. Global `is_staff` grants nothing here: it is for the site's operators and the admin.
Django's `staff_member_required` is not used, because it sends learners to the admin's login.

Teaching staff (instructors and TAs) see and grade: `teaching_staff_required`. Changing the
course (its settings, roster, cohorts, enrolment) is for instructors: `instructor_required`.
Another app's view adopts a check in one line, e.g. `@teaching_staff_required` above a view
taking `course_slug`. API views use `TeachingStaffPermission` (DRF) the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from rest_framework.permissions import BasePermission

from courseware.errors import ApplicationError
from courseware.http import View, error_page
from courseware.models import Course, CourseRole
from courseware.selectors.roster import TEACHING_ROLES, course_role_of

# Marked here, translated where a request is refused (in the language of that request).
INSTRUCTORS_ONLY = gettext_noop("This page is for the instructors of this course.")
TEACHING_STAFF_ONLY = gettext_noop(
    "This page is for the instructors and teaching assistants of this course."
)


def course_role_required(
    *roles: str, course_kwarg: str = "course_slug", message: str | None = None
) -> Callable[[View], View]:
    """Only users holding one of `roles` in the course named by the URL's `course_kwarg`."""
    allowed = frozenset(str(role) for role in roles)
    refusal = message or (
        INSTRUCTORS_ONLY if allowed == {CourseRole.INSTRUCTOR} else TEACHING_STAFF_ONLY
    )

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect(f"{reverse('login')}?next={request.path}")
            course = get_object_or_404(Course, slug=kwargs[course_kwarg])
            if course_role_of(user=request.user, course=course) not in allowed:
                return error_page(request, ApplicationError(gettext(refusal), status_code=403))
            return view(request, *args, **kwargs)

        # Read by the permission matrix's coverage test, which lists every guarded page.
        wrapper.course_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


teaching_staff_required = course_role_required(*TEACHING_ROLES)
instructor_required = course_role_required(CourseRole.INSTRUCTOR)


class _CourseRolePermission(BasePermission):
    """DRF's form of the check, for API views whose URL names the course (`slug`). A view whose
    URL names something else (a quiz, an exercise) says which course it belongs to with a
    `permission_course(request)` method, which answers a 404 for an unknown one."""

    roles: frozenset[str] = frozenset()
    course_kwarg = "slug"
    message = TEACHING_STAFF_ONLY

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        finder = getattr(view, "permission_course", None)
        if finder is not None:
            course = finder(request)
        else:
            course = get_object_or_404(Course, slug=view.kwargs[self.course_kwarg])
        return course_role_of(user=request.user, course=course) in self.roles


class TeachingStaffPermission(_CourseRolePermission):
    """API: instructors and TAs of the course only."""

    roles = frozenset(TEACHING_ROLES)
