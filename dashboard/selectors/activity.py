"""When each learner was last active in a course, and their failed submissions per exercise.

Both read whole columns grouped in the database: a fixed number of queries for any class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
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


def _is_pass(status: str, points: float | None, max_points: float | None) -> bool:
    if status != GradingRun.Status.GRADED or not max_points:
        return False
    return (points or 0.0) >= max_points


def struggles(*, course: Course, user_ids: list[int]) -> dict[int, list[ExerciseStruggle]]:
    """Learner pk -> per exercise they submitted to: how many of their submissions failed."""
    latest: dict[int, tuple[int, int, int, bool]] = {}  # submission -> (number, user, ex, pass)
    for submission_id, user_id, exercise_id, number, status, points, max_points in (
        GradingRun.objects.filter(
            submission__exercise__module__course=course,
            submission__user_id__in=user_ids,
            status__in=[GradingRun.Status.GRADED, GradingRun.Status.FAILED],
        )
        .order_by()
        .values_list(
            "submission_id",
            "submission__user_id",
            "submission__exercise_id",
            "number",
            "status",
            "points",
            "max_points",
        )
    ):
        known = latest.get(submission_id)
        if known is None or number > known[0]:
            latest[submission_id] = (
                number,
                user_id,
                exercise_id,
                _is_pass(status, points, max_points),
            )
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])  # failed, passed
    for _, user_id, exercise_id, is_pass in latest.values():
        counts[(user_id, exercise_id)][1 if is_pass else 0] += 1
    exercises = Exercise.objects.in_bulk({exercise_id for _, exercise_id in counts})
    found: dict[int, list[ExerciseStruggle]] = defaultdict(list)
    for (user_id, exercise_id), (failed, passes) in sorted(counts.items()):
        found[user_id].append(
            ExerciseStruggle(exercise=exercises[exercise_id], failed=failed, passed=passes > 0)
        )
    return dict(found)
