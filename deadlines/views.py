"""The instructor's deadlines page and its forms: due dates per item and cohort, the late and
answer policy, and extensions for one learner.

Who may do what: instructors set due dates and the policy (course settings); instructors and
teaching assistants grant and revoke extensions, as TAs are the ones who answer a learner's
request. Every object a form names is looked up inside the URL's course. A refused form shows
the page again with its message and what was typed, so nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from courseware.errors import ApplicationError, learner_id
from courseware.models import Cohort, Course, CourseRole, Quiz
from courseware.permissions import instructor_required, teaching_staff_required
from courseware.selectors.roster import course_role_of
from deadlines import services
from deadlines.forms import (
    DueDateClearForm,
    DueDateForm,
    ExtensionForm,
    PolicyForm,
    QuizAnswerPolicyForm,
)
from deadlines.models import CoursePolicy, Extension
from deadlines.overview import deadlines_overview, extension_item_label, item_from_key


def _page(request: HttpRequest, course: Course, error: str = "", status: int = 200) -> HttpResponse:
    overview = deadlines_overview(course=course)
    policy = overview.policy
    policy_form = PolicyForm(
        initial={
            "late": policy.late,
            "penalty_percent_per_day": policy.penalty_percent_per_day,
            "penalty_cap_percent": policy.penalty_cap_percent,
            "answer_reveal": policy.answer_reveal,
        }
    )
    return render(
        request,
        "deadlines/deadlines.html",
        {
            "course": course,
            "overview": overview,
            "extensions": [(ext, extension_item_label(ext)) for ext in overview.extensions],
            "policy_form": policy_form,
            "reveal_choices": CoursePolicy.Reveal.choices,
            "is_instructor": course_role_of(user=request.user, course=course)
            == CourseRole.INSTRUCTOR,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=status,
    )


def _valid(form: django_forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        problems = "; ".join(
            f"{name if name != '__all__' else 'form'}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()
        )
        raise ApplicationError(
            gettext("Please check the form (%(problems)s).") % {"problems": problems}
        )
    return dict(form.cleaned_data)


def _cohort(course: Course, value: str) -> Cohort | None:
    if not value:
        return None
    if not value.isdigit():
        raise ApplicationError(gettext("Unknown cohort."))
    return get_object_or_404(Cohort, pk=int(value), course=course)


def _back(course: Course) -> HttpResponse:
    return redirect("deadlines:overview", course_slug=course.slug)


def _handled(action: Any) -> Any:
    """Run a form's action; an ApplicationError shows the page again with its message."""

    def view(request: HttpRequest, course_slug: str, **kwargs: Any) -> HttpResponse:
        course = get_object_or_404(Course, slug=course_slug)
        try:
            message = action(request, course, **kwargs)
        except ApplicationError as error:
            return _page(request, course, error=error.message, status=error.status_code)
        messages.success(request, message)
        return _back(course)

    view.__name__ = action.__name__
    view.__doc__ = action.__doc__
    return view


@teaching_staff_required
def overview(request: HttpRequest, course_slug: str) -> HttpResponse:
    return _page(request, get_object_or_404(Course, slug=course_slug))


def _due_set(request: HttpRequest, course: Course) -> str:
    data = _valid(DueDateForm(request.POST))
    item = item_from_key(course=course, key=data["item"])
    cohort = _cohort(course, data["cohort"])
    services.due_date_set(
        course=course,
        item=item,
        cohort=cohort,
        due_at=data["due_at"],
        set_by_id=learner_id(request.user),
    )
    if cohort:
        return gettext("Due date saved for %(cohort)s.") % {"cohort": cohort.name}
    return gettext("Due date saved for everyone else.")


def _due_clear(request: HttpRequest, course: Course) -> str:
    data = _valid(DueDateClearForm(request.POST))
    item = item_from_key(course=course, key=data["item"])
    cohort = _cohort(course, data["cohort"])
    if services.due_date_clear(course=course, item=item, cohort=cohort):
        return gettext("Due date removed.")
    return gettext("There was no due date to remove.")


def _policy(request: HttpRequest, course: Course) -> str:
    data = _valid(PolicyForm(request.POST))
    services.course_policy_update(course=course, **data)
    return gettext("Late and answer policy saved.")


def _quiz_answers(request: HttpRequest, course: Course) -> str:
    data = _valid(QuizAnswerPolicyForm(request.POST))
    quiz = item_from_key(course=course, key=data["item"])
    if not isinstance(quiz, Quiz):
        raise ApplicationError(gettext("Only a quiz has correct answers to show."))
    services.quiz_answer_policy_set(course=course, quiz=quiz, answer_reveal=data["answer_reveal"])
    return gettext("Answer policy of “%(title)s” saved.") % {"title": quiz.title}


def _extension_grant(request: HttpRequest, course: Course) -> str:
    data = _valid(ExtensionForm(request.POST))
    item = item_from_key(course=course, key=data["item"])
    extension = services.extension_grant(
        course=course,
        item=item,
        learner_id=data["learner"],
        due_at=data["due_at"],
        reason=data["reason"],
        granted_by_id=learner_id(request.user),
    )
    return gettext("Extension granted to %(username)s.") % {
        "username": extension.user.get_username()
    }


def _extension_revoke(request: HttpRequest, course: Course, extension_pk: int) -> str:
    extension = get_object_or_404(Extension, pk=extension_pk, course=course)
    services.extension_revoke(extension=extension)
    return "Extension revoked."


due_set = instructor_required(require_POST(_handled(_due_set)))
due_clear = instructor_required(require_POST(_handled(_due_clear)))
policy_update = instructor_required(require_POST(_handled(_policy)))
quiz_answers = instructor_required(require_POST(_handled(_quiz_answers)))
extension_grant = teaching_staff_required(require_POST(_handled(_extension_grant)))
extension_revoke = teaching_staff_required(require_POST(_handled(_extension_revoke)))
