"""What a learner should do next in a course: the course page's "Continue with ...".

Course order: in each active module, its lessons not read yet, then its quiz until its kept
score reaches the course's quiz pass mark, then its exercises until each reaches the course's
exercise pass mark (the completion rule, `selectors.completion`; full marks by default).
Exercises are read through the reverse relation the grading app declares on Module
(`exercises`) and linked by the URL name it registers, so courseware imports nothing from
grading.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from courseware.models import Course, ExerciseProgress, Module
from courseware.selectors.completion import SCORE_EPSILON
from courseware.selectors.course import course_modules, lessons_read_ids
from courseware.selectors.progress import ModuleProgress, module_progress_for_user


@dataclass(frozen=True)
class NextStep:
    kind: str  # "lesson" | "quiz" | "exercise"
    title: str
    url: str
    module_title: str


def _exercises_by_module(*, course: Course) -> dict[int, list[tuple[str, str, float]]]:
    rows = (
        Module.objects.filter(course=course, is_active=True, exercises__is_active=True)
        .order_by("order", "exercises__order", "exercises__pk")
        .values_list("pk", "exercises__slug", "exercises__title", "exercises__max_points")
    )
    by_module: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for module_id, slug, title, max_points in rows:
        by_module[module_id].append((slug, title, max_points or 0.0))
    return by_module


def course_next_step(
    *, user: Any, course: Course, progress: list[ModuleProgress] | None = None
) -> NextStep | None:
    """The first thing in course order the learner has not done; None when all is done (or
    for a visitor who is not logged in). `progress`: the learner's, when already read."""
    if not user.is_authenticated:
        return None
    read = lessons_read_ids(user=user, course=course)
    quiz_mark = course.completion_quiz_percent / 100
    if progress is None:
        progress = module_progress_for_user(user=user, course=course)
    quizzes_done = {
        item.quiz.pk
        for item in progress
        if item.quiz is not None
        and item.quiz_score is not None
        and item.quiz_score + SCORE_EPSILON >= quiz_mark
    }
    exercise_mark = course.completion_exercise_percent / 100
    passed = {
        (module_id, key)
        for module_id, key, best, most in ExerciseProgress.objects.filter(
            user=user, module__course=course
        ).values_list("module_id", "exercise_key", "best_points", "max_points")
        if best + SCORE_EPSILON >= most * exercise_mark
    }
    exercises = _exercises_by_module(course=course)
    for module in course_modules(course=course):
        for lesson in module.active_lessons:  # type: ignore[attr-defined]
            if lesson.pk not in read:
                url = reverse("courseware:lesson", args=[course.slug, lesson.slug])
                return NextStep("lesson", lesson.title, url, module.title)
        quiz = module.active_quiz  # type: ignore[attr-defined]
        if quiz is not None and quiz.pk not in quizzes_done:
            url = reverse("courseware:quiz", args=[course.slug, module.slug])
            return NextStep("quiz", quiz.title or f"the quiz of {module.title}", url, module.title)
        for slug, title, _ in exercises.get(module.pk, []):
            if (module.pk, slug) not in passed:
                url = reverse("grading:exercise", args=[course.slug, slug])
                return NextStep("exercise", title, url, module.title)
    return None
