"""When each learner was last active in a course, and their failed submissions per exercise.

Both read whole columns grouped in the database: a fixed number of queries for any class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, Q, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from courseware.models import Course, LessonRead, QuizAttempt
from grading.models import Exercise, GradingRun, Submission


def last_activity(*, course: Course, user_ids: list[int]) -> dict[int, datetime]:
    """Learner pk -> their latest read, quiz attempt or submission in the course (absent when
    they have done nothing)."""
    latest: dict[int, datetime] = {}
    sources = (
        LessonRead.objects.filter(lesson__course=course, user_id__in=user_ids)
        .values("user_id")
        .annotate(at=Max("read_at")),
        QuizAttempt.objects.filter(quiz__module__course=course, user_id__in=user_ids)
        .values("user_id")
        .annotate(at=Max(Coalesce("submitted_at", "saved_at", "started_at"))),
        Submission.objects.filter(exercise__module__course=course, user_id__in=user_ids)
        .values("user_id")
        .annotate(at=Max("created_at")),
    )
    for rows in sources:
        for row in rows.order_by():
            user_id, at = row["user_id"], row["at"]
            if at is not None and (user_id not in latest or at > latest[user_id]):
                latest[user_id] = at
    return latest


@dataclass(frozen=True)
class ExerciseStruggle:
    exercise: Exercise
    failed: int  # submissions whose latest finished grading fell short of full marks (none
    # of the learner's submissions to the exercise got full marks)


def struggles(
    *, course: Course, user_ids: list[int], failed_at_least: int
) -> dict[int, list[ExerciseStruggle]]:
    """Learner pk -> the exercises they have failed at least `failed_at_least` times without
    a pass, with how many of their submissions failed.

    A submission counts by its latest finished grading, a pass being a graded run with full
    marks. The database picks those runs, counts them per learner and exercise and keeps the
    struggles only (one query, a few rows), so no run is read into Python."""
    latest = (
        GradingRun.objects.filter(
            submission__exercise__module__course=course,
            submission__user_id__in=user_ids,
            status__in=[GradingRun.Status.GRADED, GradingRun.Status.FAILED],
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("submission_id")], order_by=F("number").desc())
        )
        .filter(rank=1)
        .values("pk")
    )
    is_pass = (
        Q(status=GradingRun.Status.GRADED, max_points__isnull=False)
        & ~Q(max_points=0)
        & Q(max_points__lte=Coalesce("points", Value(0.0)))
    )
    counts = (
        GradingRun.objects.filter(pk__in=latest)
        .values("submission__user_id", "submission__exercise_id")
        .order_by()
        .annotate(failed=Count("pk", filter=~is_pass), passed=Count("pk", filter=is_pass))
        .filter(passed=0, failed__gte=failed_at_least)
        .values_list("submission__user_id", "submission__exercise_id", "failed")
    )
    failures = {(user_id, exercise_id): failed for user_id, exercise_id, failed in counts}
    exercises = Exercise.objects.in_bulk({exercise_id for _, exercise_id in failures})
    found: dict[int, list[ExerciseStruggle]] = defaultdict(list)
    for (user_id, exercise_id), failed in sorted(failures.items()):
        found[user_id].append(ExerciseStruggle(exercise=exercises[exercise_id], failed=failed))
    return dict(found)
