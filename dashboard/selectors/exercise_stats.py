"""How an exercise is going: the pass rate of each test cell, the most common failure messages
of its visible tests, the hidden tests most often failed, the distribution of learners' best
scores, and the median number of submissions a learner needed to pass.

Read over the latest finished grading of every submission, in one query."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

from grading.models import Exercise, GradingRun

TOP = 5
BINS = 10  # the score distribution in tenths


@dataclass(frozen=True)
class CellRate:
    grade_id: str
    hidden: bool
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class ScoreBin:
    low: int  # percent, inclusive
    high: int  # percent, exclusive but for the last bin
    learners: int


@dataclass(frozen=True)
class ExerciseStats:
    graded_submissions: int
    learners: int
    cells: list[CellRate]
    failure_messages: list[tuple[str, int]]  # visible tests' messages, most common first
    hidden_failures: list[tuple[str, int]]  # hidden test grade ids, most often failed first
    distribution: list[ScoreBin]
    median_submissions_to_pass: float | None
    passed_learners: int

    @property
    def median_plural_count(self) -> int | None:
        """The median as a plural form needs it, an integer: 1.5 submissions reads as 2 does."""
        median = self.median_submissions_to_pass
        return None if median is None else math.ceil(median)


def _message(traceback: str) -> str:
    """The line of a traceback that says what went wrong: its last non-blank line."""
    lines = [line.strip() for line in traceback.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def exercise_stats(*, exercise: Exercise) -> ExerciseStats:
    latest: dict[int, tuple[int, Any]] = {}
    for row in (
        GradingRun.objects.filter(
            submission__exercise=exercise,
            status__in=[GradingRun.Status.GRADED, GradingRun.Status.FAILED],
        )
        .order_by()
        .values_list(
            "submission_id",
            "number",
            "submission__user_id",
            "submission__created_at",
            "status",
            "points",
            "max_points",
            "feedback",
        )
    ):
        known = latest.get(row[0])
        if known is None or row[1] > known[0]:
            latest[row[0]] = (row[1], row)
    passed_cells: Counter[str] = Counter()
    graded_cells: Counter[str] = Counter()
    hidden: dict[str, bool] = {}
    messages: Counter[str] = Counter()
    hidden_failed: Counter[str] = Counter()
    best: dict[int, float] = {}
    tries: dict[int, list[tuple[Any, bool]]] = {}
    for _, (_, _, user_id, created_at, status, points, max_points, feedback) in latest.values():
        share = (points or 0.0) / max_points if max_points else 0.0
        full = status == GradingRun.Status.GRADED and bool(max_points) and share >= 1.0
        best[user_id] = max(best.get(user_id, 0.0), share)
        tries.setdefault(user_id, []).append((created_at, full))
        for cell in (feedback or {}).get("cells", []):
            grade_id = str(cell.get("grade_id", ""))
            hidden[grade_id] = bool(cell.get("hidden"))
            graded_cells[grade_id] += 1
            if cell.get("passed"):
                passed_cells[grade_id] += 1
            elif hidden[grade_id]:
                hidden_failed[grade_id] += 1
            elif message := _message(str(cell.get("traceback", ""))):
                messages[message] += 1
    to_pass = []
    for attempts in tries.values():
        attempts.sort(key=lambda attempt: attempt[0])
        first = next((n for n, (_, full) in enumerate(attempts, start=1) if full), None)
        if first is not None:
            to_pass.append(first)
    counts = Counter(min(int(share * BINS), BINS - 1) for share in best.values())
    return ExerciseStats(
        graded_submissions=len(latest),
        learners=len(best),
        cells=[
            CellRate(grade_id, hidden[grade_id], passed_cells[grade_id], graded_cells[grade_id])
            for grade_id in graded_cells
        ],
        failure_messages=messages.most_common(TOP),
        hidden_failures=hidden_failed.most_common(TOP),
        distribution=[
            ScoreBin(low=n * 100 // BINS, high=(n + 1) * 100 // BINS, learners=counts.get(n, 0))
            for n in range(BINS)
        ],
        median_submissions_to_pass=median(to_pass) if to_pass else None,
        passed_learners=len(to_pass),
    )
