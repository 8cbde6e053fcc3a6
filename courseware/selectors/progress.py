"""A learner's progress per module: lessons read, the kept quiz score, exercise points."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Sum

from courseware.models import (
    Course,
    ExerciseProgress,
    Lesson,
    LessonRead,
    Module,
    Quiz,
    QuizAttempt,
)
from courseware.selectors.course import course_modules


@dataclass
class ModuleProgress:
    module: Module
    lessons_read: int = 0
    lessons_total: int = 0
    quiz: Quiz | None = None
    quiz_score: float | None = None  # the kept score (best or last, per quiz), 0..1
    quiz_attempts: int = 0
    exercises_done: int = 0
    exercise_points: float = 0.0
    exercise_max_points: float = 0.0

    @property
    def exercise_score(self) -> float | None:
        if not self.exercises_done or not self.exercise_max_points:
            return None
        return self.exercise_points / self.exercise_max_points


def kept_attempt(*, keep: str, attempts: list[tuple[datetime, float]]) -> tuple[datetime, float]:
    """The (submitted_at, score) that counts of one learner's submitted attempts at a quiz: the
    best (the earliest of equal bests) or the last, following the quiz's `keep` rule. The one
    place this rule lives: the progress table and the gradebook both read it here."""
    if keep == Quiz.Keep.BEST:
        return max(attempts, key=lambda attempt: (attempt[1], -attempt[0].timestamp()))
    return max(attempts)


def _kept_scores(quizzes: dict[int, Quiz], attempts: Iterable[Any]) -> dict[tuple[int, int], Any]:
    """(user, quiz) -> (kept score, attempts), the kept score following the quiz's rule."""
    grouped: dict[tuple[int, int], list[tuple[datetime, float]]] = defaultdict(list)
    for user_id, quiz_id, score, submitted_at in attempts:
        grouped[(user_id, quiz_id)].append((submitted_at, score or 0.0))
    kept = {}
    for key, rows in grouped.items():
        _, score = kept_attempt(keep=quizzes[key[1]].keep, attempts=rows)
        kept[key] = (score, len(rows))
    return kept


def progress_by_user(*, course: Course, user_ids: list[int]) -> dict[int, list[ModuleProgress]]:
    """Learner pk -> per module progress, in a fixed number of queries whatever the learners."""
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    totals = dict(
        Lesson.objects.filter(course=course, is_active=True)
        .values("module_id")
        .annotate(n=Count("pk"))
        .values_list("module_id", "n")
    )
    quizzes = {q.pk: q for q in Quiz.objects.filter(module__course=course, is_active=True)}
    quiz_by_module = {quiz.module_id: quiz for quiz in quizzes.values()}
    reads = {
        (user_id, module_id): n
        for user_id, module_id, n in LessonRead.objects.filter(
            user_id__in=user_ids, lesson__course=course, lesson__is_active=True
        )
        .values("user_id", "lesson__module_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "lesson__module_id", "n")
    }
    kept = _kept_scores(
        quizzes,
        QuizAttempt.objects.filter(
            user_id__in=user_ids, quiz__in=list(quizzes), status=QuizAttempt.Status.SUBMITTED
        ).values_list("user_id", "quiz_id", "score", "submitted_at"),
    )
    exercises = {
        (row["user_id"], row["module_id"]): row
        for row in ExerciseProgress.objects.filter(user_id__in=user_ids, module__course=course)
        .values("user_id", "module_id")
        .annotate(done=Count("pk"), points=Sum("best_points"), max_points=Sum("max_points"))
    }
    table: dict[int, list[ModuleProgress]] = {}
    for user_id in user_ids:
        row = []
        for module in modules:
            quiz = quiz_by_module.get(module.pk)
            score, attempts = kept.get((user_id, quiz.pk), (None, 0)) if quiz else (None, 0)
            exercise: Mapping[str, Any] = exercises.get((user_id, module.pk)) or {}
            row.append(
                ModuleProgress(
                    module=module,
                    lessons_read=reads.get((user_id, module.pk), 0),
                    lessons_total=totals.get(module.pk, 0),
                    quiz=quiz,
                    quiz_score=score,
                    quiz_attempts=attempts,
                    exercises_done=exercise.get("done", 0),
                    exercise_points=exercise.get("points") or 0.0,
                    exercise_max_points=exercise.get("max_points") or 0.0,
                )
            )
        table[user_id] = row
    return table


def module_progress_for_user(*, user: Any, course: Course) -> list[ModuleProgress]:
    """Per module: lessons read of total, the kept quiz score, the best exercise scores."""
    if not user.is_authenticated:
        return progress_by_user(course=course, user_ids=[0])[0]
    return progress_by_user(course=course, user_ids=[user.pk])[user.pk]


def course_outline_for_user(
    *, user: Any, course: Course
) -> list[tuple[Module, ModuleProgress | None]]:
    """The course page's rows: each active module (with its lessons and quiz) and its progress."""
    progress = {item.module.pk: item for item in module_progress_for_user(user=user, course=course)}
    return [(module, progress.get(module.pk)) for module in course_modules(course=course)]


def module_with_progress(
    *, user: Any, course: Course, module_slug: str
) -> tuple[Module, ModuleProgress] | None:
    """An active module of the course (with its lessons and quiz) and the learner's progress
    in it, or None when the course has no such active module."""
    module = next((m for m in course_modules(course=course) if m.slug == module_slug), None)
    if module is None:
        return None
    progress = next(
        item
        for item in module_progress_for_user(user=user, course=course)
        if item.module.pk == module.pk
    )
    return module, progress
