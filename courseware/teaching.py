"""Instructor pages of a course: the roster, cohorts, enrolment by list, join links and the
course's enrolment settings; and the learner's side of enrolling (join link, self-enrolment).

Teaching staff (instructors and TAs) see the roster; only instructors change anything. Every
object named by a URL is looked up inside the URL's course, so no id reaches another course.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from courseware import enrolment as services
from courseware import services as course_services
from courseware.errors import ApplicationError, learner_id
from courseware.forms import CohortNameForm, CompletionRuleForm, EnrolListForm
from courseware.http import handles_application_errors
from courseware.models import Cohort, Course, CourseRole, Enrolment
from courseware.permissions import instructor_required, teaching_staff_required
from courseware.selectors import roster as selectors


def _roster(course_slug: str) -> HttpResponse:
    return redirect("courseware:roster", course_slug=course_slug)


def _join_link(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("courseware:join", args=[code])) if code else ""


def _posted_cohort(request: HttpRequest, course: Course) -> Cohort | None:
    """The form's `cohort` (a pk), looked up in this course only; blank: no cohort."""
    cohort_pk = request.POST.get("cohort", "")
    if not cohort_pk.isdigit():
        return None
    return get_object_or_404(Cohort, pk=int(cohort_pk), course=course)


def _posted_cohort_name(request: HttpRequest) -> str:
    form = CohortNameForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(gettext("A cohort needs a name of at most 100 characters."))
    return str(form.cleaned_data["name"])


def _posted_rule(request: HttpRequest) -> dict[str, Any]:
    form = CompletionRuleForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(gettext("Pass marks are whole percentages from 0 to 100."))
    return dict(form.cleaned_data)


@teaching_staff_required
def roster(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    cohorts = selectors.course_cohorts(course=course)
    return render(
        request,
        "courseware/roster.html",
        {
            "course": course,
            "members": selectors.course_roster(course=course),
            "cohorts": [(cohort, _join_link(request, cohort.join_code)) for cohort in cohorts],
            "course_join_link": _join_link(request, course.join_code),
            "invitations": selectors.course_invitations_open(course=course),
            "is_instructor": selectors.course_role_of(user=request.user, course=course)
            == CourseRole.INSTRUCTOR,
            "roles": CourseRole.choices,
        },
    )


@instructor_required
@require_http_methods(["GET", "POST"])
def enrol_list(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    form = EnrolListForm(request.POST or None, request.FILES or None, course=course)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        signup = request.build_absolute_uri(reverse("signup"))
        try:
            result = services.enrolment_list_apply(
                course=course,
                text=form.cleaned_data["text"],
                role=form.cleaned_data["role"],
                cohort=form.cleaned_data["cohort"],
                invited_by_id=learner_id(request.user),
                invitation_link=lambda token: f"{signup}?invitation={token}",
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            errors = list(error.extra.get("errors", []))
        else:
            messages.success(
                request,
                gettext(
                    "Enrolled %(enrolled)s, re-admitted %(readmitted)s, "
                    "already members %(unchanged)s, invited %(invited)s."
                )
                % {
                    "enrolled": len(result.enrolled),
                    "readmitted": len(result.readmitted),
                    "unchanged": len(result.unchanged),
                    "invited": len(result.invited),
                },
            )
            return _roster(course_slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courseware/enrol_list.html",
        {"course": course, "form": form, "row_errors": errors},
        status=status,
    )


@instructor_required
@require_POST
@handles_application_errors
def cohort_create(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    cohort = services.cohort_create(course=course, name=_posted_cohort_name(request))
    messages.success(request, gettext("Cohort %(name)r created.") % {"name": cohort.name})
    return _roster(course_slug)


@instructor_required
@require_POST
@handles_application_errors
def cohort_rename(request: HttpRequest, course_slug: str, cohort_pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=cohort_pk, course__slug=course_slug)
    services.cohort_rename(cohort=cohort, name=_posted_cohort_name(request))
    messages.success(request, gettext("Cohort renamed to %(name)r.") % {"name": cohort.name})
    return _roster(course_slug)


@instructor_required
@require_POST
@handles_application_errors
def course_settings(request: HttpRequest, course_slug: str) -> HttpResponse:
    """The course settings: self-enrolment on or off, the join links (course or cohort) made
    anew or switched off, and the completion rule."""
    course = get_object_or_404(Course, slug=course_slug)
    action = request.POST.get("action", "")
    cohort = _posted_cohort(request, course)
    if action == "self_enrolment":
        services.course_settings_update(
            course=course, self_enrolment=request.POST.get("self_enrolment") == "on"
        )
        messages.success(request, gettext("Enrolment settings saved."))
    elif action == "completion":
        course_services.course_completion_rule_update(course=course, **_posted_rule(request))
        messages.success(request, gettext("Completion rule saved."))
    elif action == "regenerate_code":
        services.join_code_regenerate(course=course, cohort=cohort)
        messages.success(request, gettext("A new join link is made; the old one no longer works."))
    elif action == "disable_code":
        services.join_code_disable(course=course, cohort=cohort)
        messages.success(request, gettext("The join link is switched off."))
    else:
        raise ApplicationError(gettext("Unknown action."))
    return _roster(course_slug)


@instructor_required
@require_POST
@handles_application_errors
def member_update(request: HttpRequest, course_slug: str, enrolment_pk: int) -> HttpResponse:
    """One roster row's action: move to a cohort, drop, re-admit or change the role."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course", "user"),
        pk=enrolment_pk,
        course__slug=course_slug,
    )
    action = request.POST.get("action", "")
    name = enrolment.user.get_username()
    if action == "move":
        cohort = _posted_cohort(request, enrolment.course)
        services.enrolment_move(enrolment=enrolment, cohort=cohort)
        messages.success(
            request,
            gettext("%(name)s moved to %(value)s.")
            % {"name": name, "value": cohort.name if cohort else gettext("no cohort")},
        )
    elif action == "drop":
        services.enrolment_drop(enrolment=enrolment)
        messages.success(
            request, gettext("%(name)s is dropped; their history is kept.") % {"name": name}
        )
    elif action == "readmit":
        services.enrolment_readmit(enrolment=enrolment)
        messages.success(request, gettext("%(name)s is re-admitted.") % {"name": name})
    elif action == "role":
        services.enrolment_role_set(enrolment=enrolment, role=request.POST.get("role", ""))
        messages.success(request, gettext("%(name)s's role is changed.") % {"name": name})
    else:
        raise ApplicationError(gettext("Unknown action."))
    return _roster(course_slug)


# ------------------------------------------------------------------------ the learner's side


@login_required
@require_POST
@handles_application_errors
def self_enrol(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    services.enrolment_self(user_id=learner_id(request.user), course=course)
    messages.success(request, gettext("You are enrolled in %(title)s.") % {"title": course.title})
    return redirect("courseware:course", course_slug=course.slug)


@login_required
@require_http_methods(["GET", "POST"])
@handles_application_errors
def join(request: HttpRequest, code: str) -> HttpResponse:
    """A join link: a page that names the course (and cohort), and its button enrols."""
    target = selectors.join_target(code=code)
    if target is None:
        raise ApplicationError(gettext("This join link is not valid (any more)."), status_code=404)
    if request.method == "POST":
        services.enrolment_join(user_id=learner_id(request.user), code=code)
        messages.success(
            request, gettext("You are enrolled in %(title)s.") % {"title": target.course.title}
        )
        return redirect("courseware:course", course_slug=target.course.slug)
    return render(
        request,
        "courseware/join.html",
        {"course": target.course, "cohort": target.cohort, "code": code},
    )
