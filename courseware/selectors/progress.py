"""A learner's progress per module: lessons read, the kept quiz score, exercise points."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

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
    exercises_done: int = 0  # exercises with a graded score
    exercise_points: float = 0.0
    # Over all of the module's exercises, attempted or not (and the scores of exercises the
    # module no longer lists): one solved exercise of eight is not "10/10".
    exercise_max_points: float = 0.0
    exercises_total: int = 0
    exercises_passed: int = 0  # full marks

    @property
    def exercise_score(self) -> float | None:
        if not self.exercises_done or not self.exercise_max_points:
            return None
        return self.exercise_points / self.exercise_max_points


class KeptQuizScore(NamedTuple):
    """A learner's kept attempt at a quiz: its pk, its score (0..1), when it was submitted
    (None unless asked for) and how many submitted attempts there are."""

    attempt_pk: int
    score: float
    attempts: int
    submitted_at: datetime | None


def kept_quiz_scores(
    *, user_ids: Iterable[int], quiz_keep: Mapping[int, str], with_times: bool = False
) -> dict[tuple[int, int], KeptQuizScore]:
    """(learner, quiz) -> the kept one of the learner's submitted attempts at the quiz: the
    best (the earliest of equal bests) or the last (the best of equal lasts), following each
    quiz's `keep` rule (`quiz_keep`: quiz pk -> rule). The one place this rule lives: the
    progress table, the gradebook and the LMS score all read it here.

    One query whatever the number of learners: the database ranks each learner's attempts at
    each quiz and returns the first of each only, so no attempt nor its time (unless
    `with_times`) is read into Python."""
    best = [pk for pk, keep in quiz_keep.items() if keep == Quiz.Keep.BEST]
    last = [pk for pk, keep in quiz_keep.items() if keep != Quiz.Keep.BEST]
    score = Coalesce("score", Value(0.0))
    pair = [F("user_id"), F("quiz_id")]
    ranked = (
        QuizAttempt.objects.filter(
            user_id__in=list(user_ids),
            quiz_id__in=[*best, *last],
            status=QuizAttempt.Status.SUBMITTED,
            submitted_at__isnull=False,  # a submitted attempt always has its time
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=pair,
                order_by=[
                    # Best: the highest score, then the earliest. Last: the latest, then the
                    # highest score. Each key is constant (NULL or 0) under the other rule.
                    Case(When(quiz_id__in=best, then=score), default=Value(0.0)).desc(),
                    Case(When(quiz_id__in=last, then=F("submitted_at"))).desc(nulls_last=True),
                    Case(When(quiz_id__in=best, then=F("submitted_at"))).asc(nulls_last=True),
                    score.desc(),
                    F("pk").desc(),  # of equal attempts, the newest row
                ],
            ),
            attempt_count=Window(Count("pk"), partition_by=pair),
            kept_score=score,
        )
        .filter(rank=1)
        .order_by()
    )
    fields = ["user_id", "quiz_id", "pk", "kept_score", "attempt_count"]
    if with_times:
        return {
            (user_id, quiz_id): KeptQuizScore(pk, kept, count, at)
            for user_id, quiz_id, pk, kept, count, at in ranked.values_list(*fields, "submitted_at")
        }
    return {
        (user_id, quiz_id): KeptQuizScore(pk, kept, count, None)
        for user_id, quiz_id, pk, kept, count in ranked.values_list(*fields)
    }


@dataclass
class _ExerciseTotals:
    done: int = 0
    passed: int = 0
    total: int = 0
    points: float = 0.0
    max_points: float = 0.0


def _exercise_totals(
    *, course: Course, user_ids: list[int]
) -> dict[tuple[int, int], _ExerciseTotals]:
    """(learner, module) -> exercise totals over every active exercise of the module, in two
    queries, the second summed per learner and module in the database. The exercises are read
    through the reverse relation the grading app declares (Module.exercises), so courseware
    imports nothing from grading."""
    listed: dict[int, dict[str, float]] = defaultdict(dict)
    for module_id, slug, max_points in Module.objects.filter(
        course=course, is_active=True, exercises__is_active=True
    ).values_list("pk", "exercises__slug", "exercises__max_points"):
        listed[module_id][slug] = max_points or 0.0
    # An exercise a learner has a score for but the module no longer lists still counts, with
    # its own points: the database sums both kinds apart, per learner and module.
    listed_q = Q()
    for module_id, exercises in listed.items():
        listed_q |= Q(module_id=module_id, exercise_key__in=list(exercises))
    unlisted_q = ~listed_q if listed else Q(pk__isnull=False)
    full_marks = Q(max_points__gt=0, best_points__gte=F("max_points"))
    # What a learner with no score in a module has there: computed once per module, shared.
    untouched = {
        module_id: _ExerciseTotals(total=len(exercises), max_points=sum(exercises.values()))
        for module_id, exercises in listed.items()
    }
    totals: dict[tuple[int, int], _ExerciseTotals] = {}
    for user_id, module_id, done, passed, points, unlisted, unlisted_max in (
        ExerciseProgress.objects.filter(user_id__in=user_ids, module__course=course)
        .values("user_id", "module_id")
        .order_by()
        .annotate(
            done=Count("pk"),
            passed=Count("pk", filter=full_marks),
            points=Sum("best_points"),
            unlisted=Count("pk", filter=unlisted_q),
            unlisted_max=Sum("max_points", filter=unlisted_q),
        )
        .values_list("user_id", "module_id", "done", "passed", "points", "unlisted", "unlisted_max")
    ):
        base = untouched.get(module_id)
        totals[(user_id, module_id)] = _ExerciseTotals(
            done=done,
            passed=passed,
            total=(base.total if base else 0) + unlisted,
            points=points or 0.0,
            max_points=(base.max_points if base else 0.0) + (unlisted_max or 0.0),
        )
    for user_id in user_ids:
        for module_id, empty in untouched.items():
            totals.setdefault((user_id, module_id), empty)
    return totals


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
    kept = kept_quiz_scores(
        user_ids=user_ids, quiz_keep={pk: quiz.keep for pk, quiz in quizzes.items()}
    )
    exercises = _exercise_totals(course=course, user_ids=user_ids)
    table: dict[int, list[ModuleProgress]] = {}
    for user_id in user_ids:
        row = []
        for module in modules:
            quiz = quiz_by_module.get(module.pk)
            found = kept.get((user_id, quiz.pk)) if quiz else None
            score, attempts = (found.score, found.attempts) if found else (None, 0)
            exercise = exercises.get((user_id, module.pk)) or _ExerciseTotals()
            row.append(
                ModuleProgress(
                    module=module,
                    lessons_read=reads.get((user_id, module.pk), 0),
                    lessons_total=totals.get(module.pk, 0),
                    quiz=quiz,
                    quiz_score=score,
                    quiz_attempts=attempts,
                    exercises_done=exercise.done,
                    exercise_points=exercise.points,
                    exercise_max_points=exercise.max_points,
                    exercises_total=exercise.total,
                    exercises_passed=exercise.passed,
                )
            )
        table[user_id] = row
    return table


def exercise_best_points(*, user_id: int | None, module_id: int) -> dict[str, float]:
    """A learner's best score per exercise of a module (by exercise key), as grading reported
    it: the one source of a best exercise score. Nobody signed in has none."""
    if user_id is None:
        return {}
    return dict(
        ExerciseProgress.objects.filter(user_id=user_id, module_id=module_id).values_list(
            "exercise_key", "best_points"
        )
    )


def module_progress_for_user(*, user: Any, course: Course) -> list[ModuleProgress]:
    """Per module: lessons read of total, the kept quiz score, the best exercise scores."""
    if not user.is_authenticated:
        return progress_by_user(course=course, user_ids=[0])[0]
    return progress_by_user(course=course, user_ids=[user.pk])[user.pk]


def course_outline_for_user(
    *, user: Any, course: Course, progress: list[ModuleProgress] | None = None
) -> list[tuple[Module, ModuleProgress | None]]:
    """The course page's rows: each active module (with its lessons and quiz) and its progress
    (`progress`: the learner's, when the caller has read it already)."""
    if progress is None:
        progress = module_progress_for_user(user=user, course=course)
    by_module = {item.module.pk: item for item in progress}
    return [(module, by_module.get(module.pk)) for module in course_modules(course=course)]


def module_with_progress(
    *, user: Any, course: Course, module_slug: str, progress: list[ModuleProgress] | None = None
) -> tuple[Module, ModuleProgress] | None:
    """An active module of the course (with its lessons and quiz) and the learner's progress
    in it (`progress`: the learner's, when the caller has read it already), or None when the
    course has no such active module."""
    module = next((m for m in course_modules(course=course) if m.slug == module_slug), None)
    if module is None:
        return None
    if progress is None:
        progress = module_progress_for_user(user=user, course=course)
    return module, next(item for item in progress if item.module.pk == module.pk)
