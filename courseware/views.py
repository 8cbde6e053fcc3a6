"""Server-rendered pages: course, module, lesson, search, quizzes, dashboard, sign-up.

Views are thin: they parse the request, call one service or selector, and render. Every page
works without JavaScript; forms post and redirect (post/redirect/get).
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from courseware import selectors, services
from courseware.errors import ApplicationError, learner_id
from courseware.lesson_checks import lesson_check_feedback
from courseware.models import Course, GlossaryTerm, Lesson, Quiz, QuizAttempt
from courseware.questions import PARTIAL_CREDIT_RULE


def _error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(
        request, "courseware/error.html", {"message": error.message}, status=error.status_code
    )


def handles_application_errors(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            return _error_page(request, error)

    return wrapper


def staff_required(view: Any) -> Any:
    """Instructors only: anonymous visitors are sent to log in, learners get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if not request.user.is_staff:
            return _error_page(
                request, ApplicationError("This page is for instructors.", status_code=403)
            )
        return view(request, *args, **kwargs)

    return wrapper


def _course(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug)


def home(request: HttpRequest) -> HttpResponse:
    courses = list(Course.objects.order_by("title"))
    if len(courses) == 1:
        return redirect("courseware:course", course_slug=courses[0].slug)
    return render(request, "courseware/home.html", {"courses": courses})


def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    modules = selectors.course_modules(course=course)
    progress = {
        item.module.pk: item
        for item in selectors.module_progress_for_user(user=request.user, course=course)
    }
    rows = [(module, progress.get(module.pk)) for module in modules]
    return render(request, "courseware/course.html", {"course": course, "rows": rows})


def module_detail(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    course = _course(course_slug)
    modules = selectors.course_modules(course=course)
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        raise Http404("No such module")
    progress = next(
        item
        for item in selectors.module_progress_for_user(user=request.user, course=course)
        if item.module.pk == module.pk
    )
    read_ids = selectors.lessons_read_ids(user=request.user, course=course)
    return render(
        request,
        "courseware/module.html",
        {
            "course": course,
            "module": module,
            "progress": progress,
            "read_ids": read_ids,
            "quiz": module.active_quiz,  # type: ignore[attr-defined]
        },
    )


def _lesson_page(
    request: HttpRequest, course_slug: str, lesson_slug: str, **extra: Any
) -> HttpResponse:
    """The lesson page; `extra` adds to its context (the check-yourself feedback)."""
    course = _course(course_slug)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module"),
        course=course,
        slug=lesson_slug,
        is_active=True,
        module__is_active=True,
    )
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    read_ids = selectors.lessons_read_ids(user=request.user, course=course)
    module_lessons = list(
        lesson.module.lessons.filter(is_active=True).order_by("order").only("slug", "title")
    )
    if "check_items" in extra:
        extra["check_items"] = lesson_check_feedback(
            checks=lesson.checks, selected_for=request.POST.getlist
        )
    return render(
        request,
        "courseware/lesson.html",
        {
            "course": course,
            "module": lesson.module,
            "lesson": lesson,
            "module_lessons": module_lessons,
            "read_ids": read_ids,
            "is_read": lesson.pk in read_ids,
            "previous": previous,
            "next": following,
            **extra,
        },
    )


def lesson_detail(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    return _lesson_page(request, course_slug, lesson_slug)


@login_required
@require_POST
@handles_application_errors
def lesson_read(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, course__slug=course_slug, slug=lesson_slug)
    services.lesson_mark_read(user_id=learner_id(request.user), lesson=lesson)
    target = reverse("courseware:lesson", args=[course_slug, lesson_slug])
    if request.POST.get("next") == "next":
        _, following = selectors.lesson_neighbours(lesson=lesson)
        if following is not None:
            target = reverse("courseware:lesson", args=[course_slug, following.slug])
    return redirect(target)


def search(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    query = request.GET.get("q", "")
    hits = selectors.lesson_search(course=course, query=query)
    return render(
        request, "courseware/search.html", {"course": course, "query": query, "hits": hits}
    )


def _quiz(course_slug: str, module_slug: str) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("module__course"),
        module__course__slug=course_slug,
        module__slug=module_slug,
        is_active=True,
        module__is_active=True,
    )


@require_http_methods(["GET", "POST"])
@handles_application_errors
def quiz_detail(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    quiz = _quiz(course_slug, module_slug)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        attempt, _ = services.quiz_attempt_start(user_id=learner_id(request.user), quiz=quiz)
        return redirect("courseware:attempt", pk=attempt.pk)
    status = selectors.quiz_status_for_user(user=request.user, quiz=quiz)
    return render(
        request,
        "courseware/quiz.html",
        {
            "course": quiz.module.course,
            "module": quiz.module,
            "quiz": quiz,
            "status": status,
            "question_count": quiz.questions.filter(is_active=True).count(),
            "partial_credit_rule": PARTIAL_CREDIT_RULE,
        },
    )


def _attempt(request: HttpRequest, pk: int) -> QuizAttempt:
    attempt = selectors.attempt_get_for_user(attempt_id=pk, user=request.user)
    if attempt is None:
        raise Http404("No such attempt")
    return attempt


def _shown_value(item: dict[str, Any]) -> Any:
    """The answer as the form shows it: what a later POST is compared with."""
    saved = item.get("saved")
    if item["type"] == "multiple":
        return sorted(saved or [])
    if saved is None:
        return ""
    if item["type"] == "numeric":
        value = float(saved)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(saved)


DAMAGED_FORM = "The form was damaged or is out of date: reload the page and try again."
# A shown value is at most a saved answer (10 KB of text) written as JSON.
MAX_SHOWN_FIELD = 100 * 1024


_NOT_SHOWN = object()


def _shown_field(request: HttpRequest, item: dict[str, Any]) -> Any:
    """What the page showed for this question, as its hidden `shown-` field says.

    A question without the field was not on the form that was posted (a bare "submit" post):
    its answer is left alone, so a post missing the fields cannot clear saved answers. A field
    that is not what the page writes refuses the whole post.
    """
    text = request.POST.get(f"shown-{item['id']}")
    if text is None:
        return _NOT_SHOWN
    if len(text) > MAX_SHOWN_FIELD:
        raise ApplicationError(DAMAGED_FORM)
    try:
        shown = json.loads(text)
    except (ValueError, RecursionError):
        raise ApplicationError(DAMAGED_FORM) from None
    if item["type"] == "multiple":
        valid = isinstance(shown, list) and all(isinstance(value, str) for value in shown)
    else:
        valid = isinstance(shown, str)
    if not valid:
        raise ApplicationError(DAMAGED_FORM)
    return shown


def _changed_answers(request: HttpRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Answers this form changed. Fields left as the page showed them are not sent, so a stale
    second tab cannot overwrite what the learner saved from another one."""
    changed: dict[str, Any] = {}
    for item in items:
        name = f"q-{item['id']}"
        raw: Any
        if item["type"] == "multiple":
            raw = sorted(request.POST.getlist(name))
        else:
            raw = request.POST.get(name, "")
        shown = _shown_field(request, item)
        if shown is not _NOT_SHOWN and raw != shown:
            changed[item["id"]] = raw
    return changed


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt(request, pk)
    if attempt.is_submitted:
        return redirect("courseware:attempt_results", pk=attempt.pk)
    items = selectors.attempt_questions_public(attempt=attempt)
    error: ApplicationError | None = None
    if request.method == "POST":
        changed: dict[str, Any] = {}
        try:
            changed = _changed_answers(request, items)
            if changed:
                services.quiz_attempt_answers_save(
                    attempt_id=attempt.pk, user_id=learner_id(request.user), answers=changed
                )
            if request.POST.get("action") == "submit":
                services.quiz_attempt_submit(
                    attempt_id=attempt.pk, user_id=learner_id(request.user)
                )
                return redirect("courseware:attempt_results", pk=attempt.pk)
            messages.success(request, "Your answers are saved.")
            return redirect(f"{reverse('courseware:attempt', args=[attempt.pk])}#questions")
        except ApplicationError as failure:
            if failure.status_code == 409:
                return redirect("courseware:attempt_results", pk=attempt.pk)
            error = failure
            # Show what was typed, so nothing is lost; none of it was saved.
            for item in items:
                if item["id"] in changed:
                    item["saved_display"] = changed[item["id"]]
                    item["error"] = (
                        error.message if error.extra.get("question") == item["id"] else ""
                    )
    for item in items:
        item["shown"] = json.dumps(_shown_value(item))
        item.setdefault("saved_display", _shown_value(item))
    answered = sum(1 for item in items if item.get("saved") not in (None, [], ""))
    return render(
        request,
        "courseware/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "course": attempt.quiz.module.course,
            "items": items,
            "answered": answered,
            "error": error,
        },
        status=error.status_code if error else 200,
    )


@login_required
def attempt_results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt(request, pk)
    if not attempt.is_submitted:
        return redirect("courseware:attempt", pk=attempt.pk)
    status = selectors.quiz_status_for_user(user=request.user, quiz=attempt.quiz)
    return render(
        request,
        "courseware/results.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "course": attempt.quiz.module.course,
            "items": selectors.attempt_results(attempt=attempt),
            "status": status,
        },
    )


@staff_required
def dashboard(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    return render(
        request,
        "courseware/dashboard.html",
        {
            "course": course,
            "table": selectors.course_progress_table(course=course),
            "quizzes": selectors.course_quizzes(course=course),
        },
    )


@staff_required
def quiz_analysis(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    quiz = _quiz(course_slug, module_slug)
    return render(
        request,
        "courseware/quiz_analysis.html",
        {
            "course": quiz.module.course,
            "module": quiz.module,
            "quiz": quiz,
            "items": selectors.quiz_item_analysis(quiz=quiz),
        },
    )


@require_http_methods(["GET", "POST"])
# ----------------------------------------------------------------- lesson extras (issue 16)
# Kept apart from the views above: the no-JavaScript "check yourself" answer and the glossary.


@require_POST
def lesson_check(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """The lesson again, with feedback on its "check yourself" answers (nothing is stored)."""
    return _lesson_page(request, course_slug, lesson_slug, check_items=None)


def glossary(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    terms = list(GlossaryTerm.objects.filter(course=course).order_by("term"))
    return render(request, "courseware/glossary.html", {"course": course, "terms": terms})
