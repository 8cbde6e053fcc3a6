"""Every submission of one exercise, for the submissions export: who, when, the points of each
test cell in the latest grading, and whether it was late (through the late-penalty hook).

The submissions are read with one query (a server-side cursor, the latest grading joined as
subqueries), so the export streams a course of any size in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery

from courseware.models import Course, Enrolment
from gradebook.penalties import NO_PENALTY, LateCheck, Penalty, late_penalties
from gradebook.selectors.items import EXERCISE, item_key
from grading.models import Exercise, GradingRun, Submission
from grading.notebooks import classify, notebook_from_json

CURSOR_CHUNK = 1000


@dataclass(frozen=True)
class SubmissionLine:
    submission_pk: int
    username: str
    email: str
    role: str
    submitted_at: datetime
    status: str  # of the latest grading; "" when it has none
    points: float | None
    max_points: float | None
    cell_points: dict[str, float]  # test grade_id -> points in the latest grading
    penalty: Penalty


def exercise_of_course(*, course: Course, module_slug: str, slug: str) -> Exercise | None:
    return (
        Exercise.objects.select_related("module")
        .filter(module__course=course, module__slug=module_slug, slug=slug)
        .first()
    )


def exercise_test_ids(*, exercise: Exercise) -> list[str]:
    """The exercise's test cells (visible and hidden), in notebook order: the export's columns."""
    return [cell.grade_id for cell in classify(notebook_from_json(exercise.source_notebook)).tests]


def _cell_points(feedback: Any) -> dict[str, float]:
    cells = feedback.get("cells", []) if isinstance(feedback, dict) else []
    return {
        str(cell["grade_id"]): float(cell.get("points") or 0.0)
        for cell in cells
        if isinstance(cell, dict) and "grade_id" in cell
    }


def _lines(course: Course, exercise: Exercise, rows: list[dict[str, Any]]) -> list[SubmissionLine]:
    key = item_key(EXERCISE, exercise.module.slug, exercise.slug)
    checks = {
        row["pk"]: LateCheck(user_id=row["user_id"], item_key=key, done_at=row["created_at"])
        for row in rows
    }
    penalties = late_penalties(course=course, checks=list(checks.values()))
    return [
        SubmissionLine(
            submission_pk=row["pk"],
            username=row["user__username"],
            email=row["user__email"],
            role=row["role"] or "",
            submitted_at=row["created_at"],
            status=row["run_status"] or "",
            points=row["run_points"],
            max_points=row["run_max_points"],
            cell_points=_cell_points(row["run_feedback"]),
            penalty=penalties.get(checks[row["pk"]], NO_PENALTY),
        )
        for row in rows
    ]


def exercise_submission_lines(
    *, course: Course, exercise: Exercise, chunk: int = CURSOR_CHUNK
) -> Iterator[SubmissionLine]:
    """Every submission of the exercise by learner then time, each with its latest grading."""
    latest = GradingRun.objects.filter(submission=OuterRef("pk")).order_by("-number")
    role = Enrolment.objects.filter(course=course, user=OuterRef("user_id")).values("role")[:1]
    rows = (
        Submission.objects.filter(exercise=exercise)
        .annotate(
            run_status=Subquery(latest.values("status")[:1]),
            run_points=Subquery(latest.values("points")[:1]),
            run_max_points=Subquery(latest.values("max_points")[:1]),
            run_feedback=Subquery(latest.values("feedback")[:1]),
            role=Subquery(role),
        )
        .order_by("user__username", "created_at", "pk")
        .values(
            "pk",
            "user_id",
            "user__username",
            "user__email",
            "created_at",
            "run_status",
            "run_points",
            "run_max_points",
            "run_feedback",
            "role",
        )
    )
    batch: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(dict(row))
        if len(batch) == chunk:
            yield from _lines(course, exercise, batch)
            batch = []
    if batch:
        yield from _lines(course, exercise, batch)
