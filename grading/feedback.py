"""What a learner is shown of a grading, as one typed value from the worker to the page.

`feedback_from_outcome` is the one place that decides what of a `GradingOutcome` a learner may
see (hidden tests by name, points and the author's hint only). The result is stored on
`GradingRun.feedback` as JSON by `feedback_to_json` and read back by `feedback_from_json`, the
one codec: templates, the API and `manage.py grade` read the typed `Feedback`, never the JSON.
Rows written by older versions of the code may lack keys; the decoder gives them defaults.

What the hidden tests printed and raised is kept apart (`HiddenTestDetail`, stored on
`GradingRun.hidden_tests`): it shows the hidden tests' inputs and expectations, so only the
course's teaching staff read it, merged back into the feedback by `staff_feedback`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from grading.causes import Cause
from grading.scores import CellScore

if TYPE_CHECKING:
    from grading.pipeline import GradingOutcome

HIDDEN_FAILED_HINT = "A hidden test failed: check edge cases and shapes."


@dataclass(frozen=True)
class CellFeedback(CellScore):
    """One test cell as the learner sees it: a hidden test never carries output or traceback,
    only the author's hint when it failed."""

    hint: str = ""


@dataclass(frozen=True)
class LearnerError:
    """An answer or setup cell of the learner's side that raised while it ran. `line` is the
    line of the learner's cell the error points at, when known (the editor marks it)."""

    id: str
    error: str
    line: int | None = None


@dataclass(frozen=True)
class Feedback:
    cells: tuple[CellFeedback, ...] = ()
    learner_output: str = ""
    message: str = ""
    learner_errors: tuple[LearnerError, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    # What went wrong first in the learner's own sandbox (grading.causes): the page shows it
    # before the tests and folds the failures that follow from it.
    cause: Cause | None = None

    @property
    def later_errors(self) -> tuple[LearnerError, ...]:
        """The cells' errors other than the one the cause already names."""
        if self.cause is None or not self.cause.cell_id:
            return self.learner_errors
        return tuple(error for error in self.learner_errors if error.id != self.cause.cell_id)


def feedback_from_outcome(*, outcome: GradingOutcome, test_hints: Mapping[str, str]) -> Feedback:
    """The learner's view of a grading: the one masking rule for hidden tests."""
    cells = []
    for cell in outcome.cells:
        # A hidden test shows its name, points and the author's hint when it failed; a visible
        # one its output and traceback.
        shown = cell.hidden is False
        hint = "" if shown or cell.passed else test_hints.get(cell.grade_id, HIDDEN_FAILED_HINT)
        cells.append(
            CellFeedback(
                grade_id=cell.grade_id,
                points=cell.points,
                max_points=cell.max_points,
                passed=cell.passed,
                hidden=not shown,
                output=cell.output if shown else "",
                traceback=cell.traceback if shown else "",
                hint=hint,
            )
        )
    return Feedback(
        cells=tuple(cells),
        learner_output=outcome.learner_output,
        message=outcome.message,
        learner_errors=tuple(
            LearnerError(id=error.id, error=error.error, line=error.line)
            for error in outcome.learner_errors
        ),
        timings=dict(outcome.timings),
        cause=outcome.cause,
    )


@dataclass(frozen=True)
class HiddenTestDetail:
    """What one hidden test printed and raised: for the course's teaching staff only."""

    grade_id: str
    output: str = ""
    traceback: str = ""


def hidden_details_from_outcome(*, outcome: GradingOutcome) -> tuple[HiddenTestDetail, ...]:
    """The hidden tests' own output and tracebacks, which the learner's feedback leaves out."""
    return tuple(
        HiddenTestDetail(
            grade_id=cell.grade_id, output=cell.hidden_output, traceback=cell.hidden_traceback
        )
        for cell in outcome.cells
        if cell.hidden and (cell.hidden_output or cell.hidden_traceback)
    )


def staff_feedback(*, feedback: Feedback, hidden: Sequence[HiddenTestDetail]) -> Feedback:
    """The unmasked feedback the teaching staff see: the learner's, with each hidden test's
    output and traceback put back."""
    by_id = {detail.grade_id: detail for detail in hidden}
    cells = tuple(
        replace(cell, output=by_id[cell.grade_id].output, traceback=by_id[cell.grade_id].traceback)
        if cell.hidden and cell.grade_id in by_id
        else cell
        for cell in feedback.cells
    )
    return replace(feedback, cells=cells)


# ---------------------------------------------------------------------------- the codec

JsonObject = dict[str, object]


def cell_to_json(cell: CellFeedback) -> JsonObject:
    item: JsonObject = {
        "grade_id": cell.grade_id,
        "points": cell.points,
        "max_points": cell.max_points,
        "passed": cell.passed,
        "hidden": cell.hidden,
    }
    if cell.hidden:
        if cell.hint:
            item["hint"] = cell.hint
    else:
        item["output"] = cell.output
        item["traceback"] = cell.traceback
    return item


def error_to_json(error: LearnerError) -> JsonObject:
    item: JsonObject = {"id": error.id, "error": error.error}
    if error.line is not None:
        item["line"] = error.line
    return item


def cause_to_json(cause: Cause) -> JsonObject:
    return {
        "kind": cause.kind,
        "summary": cause.summary,
        "cell_id": cause.cell_id,
        "line": cause.line,
        "code": cause.code,
        "reason": cause.reason,
        "limit": cause.limit,
        "error": cause.error,
    }


def feedback_to_json(feedback: Feedback) -> JsonObject:
    """The stored form of a learner's feedback (GradingRun.feedback) and the API's."""
    stored: JsonObject = {
        "cells": [cell_to_json(cell) for cell in feedback.cells],
        "learner_output": feedback.learner_output,
        "message": feedback.message,
        "learner_errors": [error_to_json(error) for error in feedback.learner_errors],
        "timings": dict(feedback.timings),
    }
    if feedback.cause is not None:
        stored["cause"] = cause_to_json(feedback.cause)
    return stored


def _text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _number(data: Mapping[str, object], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def _objects(data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _cell_from_json(data: Mapping[str, object]) -> CellFeedback:
    return CellFeedback(
        grade_id=_text(data, "grade_id"),
        points=_number(data, "points"),
        max_points=_number(data, "max_points"),
        passed=data.get("passed") is True,
        hidden=data.get("hidden") is True,
        output=_text(data, "output"),
        traceback=_text(data, "traceback"),
        hint=_text(data, "hint"),
    )


def _line(data: Mapping[str, object]) -> int | None:
    line = data.get("line")
    return line if isinstance(line, int) and not isinstance(line, bool) else None


def _error_from_json(data: Mapping[str, object]) -> LearnerError:
    return LearnerError(id=_text(data, "id"), error=_text(data, "error"), line=_line(data))


def _cause_from_json(data: object) -> Cause | None:
    if not isinstance(data, dict) or not _text(data, "summary"):
        return None
    return Cause(
        kind=_text(data, "kind"),
        summary=_text(data, "summary"),
        cell_id=_text(data, "cell_id"),
        line=_line(data),
        code=_text(data, "code"),
        reason=_text(data, "reason"),
        limit=_number(data, "limit") if "limit" in data and data["limit"] is not None else None,
        error=_text(data, "error"),
    )


def hidden_details_to_json(details: Sequence[HiddenTestDetail]) -> list[JsonObject]:
    """The stored form of the hidden tests' details (GradingRun.hidden_tests) and the staff
    API's."""
    return [
        {"grade_id": detail.grade_id, "output": detail.output, "traceback": detail.traceback}
        for detail in details
    ]


def hidden_details_from_json(data: object) -> tuple[HiddenTestDetail, ...]:
    if not isinstance(data, list):
        return ()
    return tuple(
        HiddenTestDetail(
            grade_id=_text(item, "grade_id"),
            output=_text(item, "output"),
            traceback=_text(item, "traceback"),
        )
        for item in data
        if isinstance(item, dict)
    )


def feedback_from_json(data: object) -> Feedback:
    """A stored feedback read back; what is missing or malformed gets its default."""
    if not isinstance(data, dict):
        return Feedback()
    timings = data.get("timings")
    return Feedback(
        cells=tuple(_cell_from_json(item) for item in _objects(data, "cells")),
        learner_output=_text(data, "learner_output"),
        message=_text(data, "message"),
        learner_errors=tuple(_error_from_json(item) for item in _objects(data, "learner_errors")),
        timings={
            str(key): float(value)
            for key, value in (timings.items() if isinstance(timings, dict) else ())
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        },
        cause=_cause_from_json(data.get("cause")),
    )
