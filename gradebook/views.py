"""Pages of the gradebook: the table, one learner's grades with overrides, the weights, and
the two CSV exports. Teaching staff see and override; only instructors change the weights."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courseware.errors import ApplicationError, learner_id
from courseware.http import error_page, handles_application_errors
from courseware.models import Course, CourseRole, Module
from courseware.permissions import instructor_required, teaching_staff_required
from courseware.selectors.roster import course_cohorts, course_role_of
from gradebook import exports, services
from gradebook.forms import OverrideForm, WeightsForm
from gradebook.selectors.items import course_items
from gradebook.selectors.learner import learner_grades
from gradebook.selectors.pages import (
    NO_COHORT,
    SORTS,
    STATUSES,
    GradebookQuery,
    course_learner_or_404,
    gradebook_page,
    gradebook_rows_all,
)
from gradebook.selectors.submissions import exercise_of_course, exercise_test_ids
from grading.models import Exercise


def _is_instructor(request: HttpRequest, course: Course) -> bool:
    return course_role_of(user=request.user, course=course) == CourseRole.INSTRUCTOR


@teaching_staff_required
@require_GET
@handles_application_errors
def gradebook(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    query = GradebookQuery.from_params(request.GET)
    page = gradebook_page(course=course, query=query)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "gradebook/gradebook.html",
        {
            "course": course,
            "book": page,
            "cohorts": course_cohorts(course=course),
            "sorts": SORTS,
            "statuses": STATUSES,
            "no_cohort": NO_COHORT,
            "filters": filters.urlencode(),
            "exercises": Exercise.objects.filter(module__course=course, is_active=True)
            .select_related("module")
            .order_by("module__order", "order", "pk"),
            "is_instructor": _is_instructor(request, course),
        },
    )


@teaching_staff_required
@require_GET
def gradebook_export(request: HttpRequest, course_slug: str) -> HttpResponseBase:
    """The gradebook as CSV, streamed; the filters are checked before the first line."""
    course = get_object_or_404(Course, slug=course_slug)
    try:
        query = GradebookQuery.from_params(request.GET)
        items = course_items(course=course)
        rows = gradebook_rows_all(course=course, items=items, query=query)
    except ApplicationError as error:
        return error_page(request, error)
    table = exports.gradebook_table(items=items, rows=rows)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return _csv(exports.csv_lines(table), f"{course.slug}-gradebook-{stamp}.csv")


@teaching_staff_required
@require_GET
def submissions_export(
    request: HttpRequest, course_slug: str, module_slug: str, exercise_slug: str
) -> HttpResponseBase:
    course = get_object_or_404(Course, slug=course_slug)
    exercise = exercise_of_course(course=course, module_slug=module_slug, slug=exercise_slug)
    if exercise is None:
        raise Http404(gettext("No such exercise in this course."))
    table = exports.submissions_table(
        course=course, exercise=exercise, test_ids=exercise_test_ids(exercise=exercise)
    )
    return _csv(exports.csv_lines(table), f"{course.slug}-{exercise.slug}-submissions.csv")


def _csv(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@teaching_staff_required
@require_GET
def learner(request: HttpRequest, course_slug: str, user_pk: int) -> HttpResponse:
    course, enrolment = course_learner_or_404(course_slug=course_slug, user_pk=user_pk)
    return render(
        request,
        "gradebook/learner.html",
        {"course": course, "grades": learner_grades(course=course, enrolment=enrolment)},
    )


@teaching_staff_required
@require_POST
@handles_application_errors
def override(request: HttpRequest, course_slug: str, user_pk: int) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        raise ApplicationError(
            gettext("The override is not saved: %(problems)s") % {"problems": problems}
        )
    services.grade_override_set(
        course=course,
        learner_pk=user_pk,
        item_key=form.cleaned_data["item"],
        score=form.score_fraction(),
        reason=form.cleaned_data["reason"],
        by_pk=learner_id(request.user),
    )
    messages.success(
        request,
        gettext("Override withdrawn.") if form.cleaned_data["withdraw"] else gettext("Saved."),
    )
    return redirect("gradebook:learner", course_slug=course.slug, user_pk=user_pk)


@instructor_required
@require_http_methods(["GET", "POST"])
@handles_application_errors
def weights(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    modules = list(Module.objects.filter(course=course, is_active=True).order_by("order", "pk"))
    form = WeightsForm(request.POST or None, items=course_items(course=course), modules=modules)
    if request.method == "POST" and form.is_valid():
        services.course_weights_update(
            course=course,
            type_weights=form.type_weights(),
            module_weights=form.module_weights(),
        )
        messages.success(request, gettext("Weights saved."))
        return redirect("gradebook:gradebook", course_slug=course.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "gradebook/weights.html", {"course": course, "form": form}, status=status
    )
