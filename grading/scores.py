"""One graded test cell's score: the fields the grader's result (`pipeline.CellResult`) and the
learner's view of it (`feedback.CellFeedback`) share, declared once. A module of its own below
both, so that each imports it and neither imports the other for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CellScore:
    """A test cell's points and outcome; `output` and `traceback` are what it printed and
    raised (kept empty where a hidden test's are not to be shown)."""

    grade_id: str
    points: float
    max_points: float
    passed: bool
    hidden: bool
    output: str = ""
    traceback: str = ""
