"""Server-rendered pages: course, module, lesson, search, quizzes, item analysis, sign-up.

Views are thin: they parse the request, call one service or selector, and render. Every page
works without JavaScript; forms post and redirect (post/redirect/get).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from courseware import selectors, services
from courseware.errors import ApplicationError, learner_id
from courseware.http import handles_application_errors
from courseware.lesson_checks import lesson_check_feedback
from courseware.models import Course, Lesson, Quiz, QuizAttempt
from courseware.permissions import teaching_staff_required
from courseware.questions import PARTIAL_CREDIT_RULE
from deadlines.selectors import answers_revealed, reveal_withheld_text


def _course(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug)


def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list()
    if len(courses) == 1:
        return redirect("courseware:course", course_slug=courses[0].slug)
    return render(request, "courseware/home.html", {"courses": courses})


def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    # Read once: the outline, the next step and the completion all follow from it.
    progress = selectors.module_progress_for_user(user=request.user, course=course)
    rows = selectors.course_outline_for_user(user=request.user, course=course, progress=progress)
    role = selectors.course_role_of(user=request.user, course=course)
    next_step = selectors.course_next_step(user=request.user, course=course, progress=progress)
    completion = selectors.course_completion(course=course, user=request.user, progress=progress)
    return render(
        request,
        "courseware/course.html",
        {
            "course": course,
            "rows": rows,
            "role": role,
            "next_step": next_step,
            "completion": completion,
        },
    )


def module_detail(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    course = _course(course_slug)
    every_module = selectors.module_progress_for_user(user=request.user, course=course)
    found = selectors.module_with_progress(
        user=request.user, course=course, module_slug=module_slug, progress=every_module
    )
    if found is None:
        raise Http404(gettext("No such module"))
    module, progress = found
    read_ids = selectors.lessons_read_ids(user=request.user, course=course)
    completion = selectors.course_completion(
        course=course, user=request.user, progress=every_module
    )
    return render(
        request,
        "courseware/module.html",
        {
            "course": course,
            "module": module,
            "progress": progress,
            "completion": completion.of_module(module),
            "read_ids": read_ids,
            "quiz": module.active_quiz,  # type: ignore[attr-defined]
        },
    )


def _lesson_page(
    request: HttpRequest, course_slug: str, lesson_slug: str, **extra: Any
) -> HttpResponse:
    """The lesson page; `extra` adds to its context (the check-yourself feedback)."""
    course = _course(course_slug)
    lesson = selectors.lesson_get_active(course=course, slug=lesson_slug)
    if lesson is None:
        raise Http404(gettext("No such lesson"))
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    read_ids = selectors.lessons_read_ids(user=request.user, course=course)
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
            "module_lessons": selectors.module_lessons(module=lesson.module),
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
    quiz = selectors.quiz_get_active(course_slug=course_slug, module_slug=module_slug)
    if quiz is None:
        raise Http404(gettext("No such quiz"))
    return quiz


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
            "question_count": selectors.quiz_question_count(quiz=quiz),
            "partial_credit_rule": PARTIAL_CREDIT_RULE,
        },
    )


def _attempt(request: HttpRequest, pk: int) -> QuizAttempt:
    attempt = selectors.attempt_get_for_user(attempt_id=pk, user=request.user)
    if attempt is None:
        raise Http404(gettext("No such attempt"))
    return attempt


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt(request, pk)
    if attempt.is_submitted:
        return redirect("courseware:attempt_results", pk=attempt.pk)
    items = selectors.attempt_questions_public(attempt=attempt)
    error: ApplicationError | None = None
    typed: dict[str, Any] = {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        try:
            typed = selectors.attempt_answers_changed(items=items, form=request.POST)
            services.quiz_attempt_form_save(
                attempt_id=attempt.pk,
                user_id=learner_id(request.user),
                answers=typed,
                submit=submit,
            )
        except ApplicationError as failure:
            if failure.status_code == 409:
                return redirect("courseware:attempt_results", pk=attempt.pk)
            error = failure
        else:
            if submit:
                return redirect("courseware:attempt_results", pk=attempt.pk)
            messages.success(request, gettext("Your answers are saved."))
            return redirect(f"{reverse('courseware:attempt', args=[attempt.pk])}#questions")
    form = selectors.attempt_form(items=items, typed=typed if error else {}, error=error)
    return render(
        request,
        "courseware/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "course": attempt.quiz.module.course,
            "items": form.items,
            "answered": form.answered,
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
    reveal = answers_revealed(user=request.user, quiz=attempt.quiz)
    return render(
        request,
        "courseware/results.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "course": attempt.quiz.module.course,
            "items": selectors.attempt_results(attempt=attempt, reveal=reveal),
            "status": status,
            "answers_revealed": reveal,
            "withheld_text": "" if reveal else reveal_withheld_text(quiz=attempt.quiz),
        },
    )


@teaching_staff_required
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


# ----------------------------------------------------------------- lesson extras (issue 16)
# Kept apart from the views above: the no-JavaScript "check yourself" answer and the glossary.


@require_POST
def lesson_check(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """The lesson again, with feedback on its "check yourself" answers (nothing is stored)."""
    return _lesson_page(request, course_slug, lesson_slug, check_items=None)


def glossary(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course(course_slug)
    terms = selectors.glossary_terms(course=course)
    return render(request, "courseware/glossary.html", {"course": course, "terms": terms})
