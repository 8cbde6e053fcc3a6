"""LTI endpoints: Academy's JWKS, the OIDC login, the launch, the deep-linking picker and the
roster sync. Each refusal renders one page (403) and logs one line, and writes nothing."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from courseware.errors import ApplicationError
from courseware.models import Course
from courseware.selectors.roster import teaches_course
from lti.errors import LaunchRefused
from lti.keys import tool_jwks
from lti.launching import message_launch, message_launch_cached, oidc_login, refusal_of
from lti.models import Context
from lti.selectors import targets_of_course
from lti.services.deep_linking import deep_link_resources, deep_link_start
from lti.services.launch import launch_accept
from lti.services.roster import roster_sync

logger = logging.getLogger(__name__)
SESSION_KEY = "lti"


def _refused(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    logger.warning(
        "lti refused: reason=%s path=%s iss=%s detail=%s",
        refusal.reason,
        request.path,
        request.POST.get("iss") or request.GET.get("iss", ""),
        refusal.message,
    )
    response = render(request, "lti/refused.html", {"refusal": refusal}, status=403)
    response["X-LTI-Refusal"] = refusal.reason
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Academy's public keys, for platforms checking what it signs (stable URL)."""
    response = JsonResponse(tool_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login: the LMS sends the browser here, Academy answers with the
    redirect to the LMS's authorisation endpoint (after a cookie check inside an iframe)."""
    try:
        with transaction.atomic():
            return oidc_login(request).redirect(request.build_absolute_uri(reverse("lti:launch")))
    except (LaunchRefused, OIDCException, LtiException) as error:
        return _refused(request, refusal_of(error))


def _login_lti_user(request: HttpRequest, user_id: int, platform_pk: Any) -> None:
    user = get_user_model().objects.get(pk=user_id)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = {"platform": platform_pk}


@csrf_exempt  # the id_token, signed by the LMS, is what authenticates this cross-site POST
@xframe_options_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        with transaction.atomic():
            launch_object = message_launch(request)
            claims = launch_object.get_launch_data()
            if launch_object.is_deep_link_launch():
                start = deep_link_start(claims=claims)
                target = reverse("lti:deep_link", args=[launch_object.get_launch_id()])
                user_id = start.user_id
            else:
                result = launch_accept(claims=claims)
                target, user_id = result.path, result.user_id
    except (LaunchRefused, LtiException) as error:
        return _refused(request, refusal_of(error))
    _login_lti_user(request, user_id, claims.get("iss"))
    return redirect(target)


@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    """The picker an LMS instructor sees, and the signed answer it posts back to the LMS."""
    try:
        launch_object = message_launch_cached(request, launch_id)
        claims = launch_object.get_launch_data()
        with transaction.atomic():
            start = deep_link_start(claims=claims)
            if request.user.pk != start.user_id:
                raise LaunchRefused("bad-state", "This deep-linking session is someone else's.")
            if request.method == "GET":
                return render(
                    request, "lti/deep_link.html", {"start": start, "targets": _targets(start)}
                )
            resources = deep_link_resources(
                keys=request.POST.getlist("target"),
                allowed_courses=start.courses,
                launch_url=request.build_absolute_uri(reverse("lti:launch")),
            )
            deep_link_object = launch_object.get_deep_link()
            token = deep_link_object.get_response_jwt(resources)
    except (LaunchRefused, LtiException) as error:
        return _refused(request, refusal_of(error))
    return_url = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"][
        "deep_link_return_url"
    ]
    response = render(request, "lti/deep_link_return.html", {"url": return_url, "jwt": token})
    # The answer goes back to the LMS: the page's form may post there, and only there.
    response._csp_update = {"form-action": [return_url]}  # type: ignore[attr-defined]
    return response


def _targets(start: Any) -> list[tuple[Course, list[Any]]]:
    return [(course, targets_of_course(course=course)) for course in start.courses]


@require_POST
def roster_sync_view(request: HttpRequest, course_slug: str, context_pk: int) -> HttpResponse:
    """An instructor pulls the LMS course's member list into the course."""
    course = get_object_or_404(Course, slug=course_slug)
    context = get_object_or_404(Context, pk=context_pk, course=course)
    if not request.user.is_authenticated or not teaches_course(user=request.user, course=course):
        return HttpResponse("Only the course's instructors may sync its roster.", status=403)
    try:
        result = roster_sync(context_pk=context.pk)
    except (ApplicationError, LtiException) as error:
        messages.error(
            request, gettext("The roster could not be synced: %(error)s") % {"error": error}
        )
    else:
        messages.success(
            request,
            gettext(
                "Roster synced from %(course)s: %(enrolled)s enrolled, %(dropped)s dropped, "
                "%(skipped)s skipped."
            )
            % {
                "course": context.title or context.context_id,
                "enrolled": result.enrolled,
                "dropped": result.dropped,
                "skipped": result.skipped,
            },
        )
    return redirect("courseware:roster", course_slug=course.slug)
