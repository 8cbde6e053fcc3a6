"""When each learner was last active in a course, and their failed submissions per exercise.

Both read whole columns grouped in the database: a fixed number of queries for any class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

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
    failed: int  # submissions whose latest finished grading fell short of full marks
    passed: bool  # one of the learner's submissions got full marks


FINISHED = [GradingRun.Status.GRADED, GradingRun.Status.FAILED]


def struggles(*, course: Course, user_ids: list[int]) -> dict[int, list[ExerciseStruggle]]:
    """Learner pk -> per exercise they submitted to: how many of their submissions failed.

    A submission counts by its latest finished grading; the database finds it and counts per
    learner and exercise, so only one row per learner and exercise comes back."""
    latest_finished = GradingRun.objects.filter(
        submission=OuterRef("pk"), status__in=FINISHED
    ).order_by("-number")
    counted = (
        Submission.objects.filter(exercise__module__course=course, user_id__in=user_ids)
        .annotate(
            run_status=Subquery(latest_finished.values("status")[:1]),
            run_points=Subquery(latest_finished.values("points")[:1]),
            run_max_points=Subquery(latest_finished.values("max_points")[:1]),
        )
        .annotate(
            is_pass=Case(
                When(
                    run_status=GradingRun.Status.GRADED,
                    run_max_points__gt=0,
                    run_points__gte=F("run_max_points"),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
        .filter(run_status__isnull=False)
        .order_by()
        .values("user_id", "exercise_id")
        .annotate(
            failed=Count("pk", filter=Q(is_pass=False)),
            passes=Count("pk", filter=Q(is_pass=True)),
        )
        .values_list("user_id", "exercise_id", "failed", "passes")
    )
    rows = sorted(counted)
    exercises = Exercise.objects.in_bulk({exercise_id for _, exercise_id, _, _ in rows})
    found: dict[int, list[ExerciseStruggle]] = defaultdict(list)
    for user_id, exercise_id, failed, passes in rows:
        found[user_id].append(
            ExerciseStruggle(exercise=exercises[exercise_id], failed=failed, passed=passes > 0)
        )
    return dict(found)
