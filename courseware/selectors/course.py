"""Course reads: the catalogue, a course's outline, one lesson or quiz page's rows, glossary."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from courseware.models import Course, GlossaryTerm, Lesson, LessonRead, Module, Quiz


def course_list() -> list[Course]:
    """Every course, by title, for the home page."""
    return list(Course.objects.order_by("title"))


def course_modules(*, course: Course) -> list[Module]:
    """Active modules with their active lessons (as `module.active_lessons`), in order."""
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    lessons = Lesson.objects.filter(course=course, is_active=True).order_by("order")
    by_module: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons.defer("source", "html", "text"):
        by_module[lesson.module_id].append(lesson)
    quizzes = {q.module_id: q for q in Quiz.objects.filter(module__course=course, is_active=True)}
    for module in modules:
        module.active_lessons = by_module[module.pk]  # type: ignore[attr-defined]
        module.active_quiz = quizzes.get(module.pk)  # type: ignore[attr-defined]
    return modules


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after this one, in course order."""
    ordered = list(
        Lesson.objects.filter(course_id=lesson.course_id, is_active=True, module__is_active=True)
        .order_by("module__order", "order")
        .only("pk", "slug", "title", "course_id")
    )
    index = next((i for i, item in enumerate(ordered) if item.pk == lesson.pk), None)
    if index is None:
        return None, None
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def lessons_read_ids(*, user: Any, course: Course) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        LessonRead.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )


def lesson_get_active(*, course: Course, slug: str) -> Lesson | None:
    """A lesson learners may read: active, in an active module; its module comes with it."""
    return (
        Lesson.objects.select_related("module")
        .filter(course=course, slug=slug, is_active=True, module__is_active=True)
        .first()
    )


def module_lessons(*, module: Module) -> list[Lesson]:
    """The module's active lessons in order, only what the lesson page's side list shows."""
    return list(module.lessons.filter(is_active=True).order_by("order").only("slug", "title"))


def glossary_terms(*, course: Course) -> list[GlossaryTerm]:
    return list(GlossaryTerm.objects.filter(course=course).order_by("term"))


def quiz_get_active(*, course_slug: str, module_slug: str) -> Quiz | None:
    """The active quiz of an active module, with its module and course."""
    return (
        Quiz.objects.select_related("module__course")
        .filter(
            module__course__slug=course_slug,
            module__slug=module_slug,
            is_active=True,
            module__is_active=True,
        )
        .first()
    )


def quizzes_startable() -> QuerySet[Quiz]:
    """The quizzes the API may start an attempt of: the active ones."""
    return Quiz.objects.filter(is_active=True)


def quiz_question_count(*, quiz: Quiz) -> int:
    return quiz.questions.filter(is_active=True).count()


def course_get(*, slug: str) -> Course | None:
    return Course.objects.filter(slug=slug).first()


def quiz_get(*, pk: int) -> Quiz | None:
    """An active quiz of an active module, with its module and course."""
    return (
        Quiz.objects.select_related("module__course")
        .filter(pk=pk, is_active=True, module__is_active=True)
        .first()
    )
