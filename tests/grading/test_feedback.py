"""The learner's feedback: one typed value, one masking rule, one codec to and from the row."""

from __future__ import annotations

from grading.causes import Cause, LearnerCellError
from grading.feedback import (
    HIDDEN_FAILED_HINT,
    CellFeedback,
    Feedback,
    HiddenTestDetail,
    LearnerError,
    feedback_from_json,
    feedback_from_outcome,
    feedback_to_json,
    hidden_details_from_json,
    hidden_details_from_outcome,
    hidden_details_to_json,
    staff_feedback,
)
from grading.pipeline import CellResult, GradingOutcome


def _outcome() -> GradingOutcome:
    return GradingOutcome(
        points=1.0,
        max_points=6.0,
        cells=[
            CellResult("test_visible", 1.0, 1.0, True, False, output="ok\n"),
            CellResult(
                "test_hidden",
                0.0,
                2.0,
                False,
                True,
                output="leaked?",
                traceback="leaked?",
                hidden_output="secret input 7",
                hidden_traceback="AssertionError: secret",
            ),
            CellResult("test_hinted", 0.0, 3.0, False, True),
        ],
        learner_output="printed\n",
        message="",
        learner_errors=[LearnerCellError(id="answer", error="SyntaxError: bad", line=3)],
        timings={"total": 1.5},
    )


def test_hidden_tests_are_shown_by_name_points_and_hint_only() -> None:
    feedback = feedback_from_outcome(
        outcome=_outcome(), test_hints={"test_hinted": "Mind the shapes."}
    )

    assert feedback.cells == (
        CellFeedback("test_visible", 1.0, 1.0, True, False, output="ok\n"),
        CellFeedback("test_hidden", 0.0, 2.0, False, True, hint=HIDDEN_FAILED_HINT),
        CellFeedback("test_hinted", 0.0, 3.0, False, True, hint="Mind the shapes."),
    )
    assert "secret" not in str(feedback_to_json(feedback))
    assert "leaked" not in str(feedback_to_json(feedback))
    assert feedback.learner_errors == (LearnerError(id="answer", error="SyntaxError: bad", line=3),)


def test_the_stored_form_keeps_the_shape_rows_have_always_had() -> None:
    stored = feedback_to_json(feedback_from_outcome(outcome=_outcome(), test_hints={}))

    assert stored == {
        "cells": [
            {
                "grade_id": "test_visible",
                "points": 1.0,
                "max_points": 1.0,
                "passed": True,
                "hidden": False,
                "output": "ok\n",
                "traceback": "",
            },
            {
                "grade_id": "test_hidden",
                "points": 0.0,
                "max_points": 2.0,
                "passed": False,
                "hidden": True,
                "hint": HIDDEN_FAILED_HINT,
            },
            {
                "grade_id": "test_hinted",
                "points": 0.0,
                "max_points": 3.0,
                "passed": False,
                "hidden": True,
                "hint": HIDDEN_FAILED_HINT,
            },
        ],
        "learner_output": "printed\n",
        "message": "",
        "learner_errors": [{"id": "answer", "error": "SyntaxError: bad", "line": 3}],
        "timings": {"total": 1.5},
    }
    assert feedback_to_json(feedback_from_json(stored)) == stored


def test_older_or_damaged_rows_read_back_with_defaults() -> None:
    assert feedback_from_json({}) == Feedback()
    assert feedback_from_json(None) == Feedback()
    old = feedback_from_json(
        {
            "cells": [{"grade_id": "t", "passed": True, "points": 3, "hidden": False}, "junk"],
            "learner_errors": [{"id": "answer", "error": "NameError: x"}],
            "timings": {"total": "soon"},
        }
    )
    assert old == Feedback(
        cells=(CellFeedback("t", 3.0, 0.0, True, False),),
        learner_errors=(LearnerError(id="answer", error="NameError: x"),),
    )


def test_the_cause_goes_through_the_codec() -> None:
    cause = Cause(kind="syntax-error", summary="bad", cell_id="answer", line=3, code="y = 1 +")
    feedback = Feedback(
        learner_errors=(
            LearnerError(id="answer", error="SyntaxError: x"),
            LearnerError(id="later", error="NameError: y"),
        ),
        cause=cause,
    )

    assert feedback_from_json(feedback_to_json(feedback)) == feedback
    # The cause names the answer cell's error; the page lists only the others after it.
    assert feedback.later_errors == (LearnerError(id="later", error="NameError: y"),)


def test_the_staff_copy_puts_back_the_hidden_tests_output_and_traceback() -> None:
    outcome = _outcome()
    learner = feedback_from_outcome(outcome=outcome, test_hints={})
    details = hidden_details_from_outcome(outcome=outcome)
    stored = hidden_details_to_json(details)

    # Only hidden tests that printed or raised are kept, and only their own fields.
    assert details == (HiddenTestDetail("test_hidden", "secret input 7", "AssertionError: secret"),)
    assert hidden_details_from_json(stored) == details
    assert hidden_details_from_json({"not": "a list"}) == ()
    staff = staff_feedback(feedback=learner, hidden=hidden_details_from_json(stored))
    assert staff.cells == (
        learner.cells[0],
        CellFeedback(
            "test_hidden",
            0.0,
            2.0,
            False,
            True,
            output="secret input 7",
            traceback="AssertionError: secret",
            hint=HIDDEN_FAILED_HINT,
        ),
        learner.cells[2],
    )
    assert "secret" not in str(feedback_to_json(learner))
