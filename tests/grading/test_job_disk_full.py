"""A job folder that cannot be written (its disk full, its mount gone) is the grader's failure,
not the learner's and not a crash: the grading raises GradingInfrastructureError, which the
task retries with backoff (the run goes back to queued meanwhile), instead of an unexpected
OSError that left the run 'running' until the watchdog noticed. The sandbox is the real
bubblewrap one on its cold path, whose job folders live in the temporary folder."""

from __future__ import annotations

import tempfile

import pytest
from django.conf import settings

from grading.execution import grade_submission_answers
from grading.pipeline import GradingInfrastructureError
from sandbox.backends.bwrap import BwrapSandbox
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import SOFTMAX_SOLUTION

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)


@pytest.mark.django_db
def test_an_unwritable_job_folder_is_an_infrastructure_error_then_grading_resumes(
    tmp_path, monkeypatch
) -> None:
    exercise = make_exercise(tmp_path / "exercise")
    sandbox = BwrapSandbox(python=settings.SANDBOX_PYTHON, warm=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))

    with pytest.raises(GradingInfrastructureError, match="The sandbox could not start"):
        grade_submission_answers(
            exercise=exercise, answers={"answer": RIGHT}, seed=1, sandbox=sandbox
        )

    (tmp_path / "gone").mkdir()
    outcome = grade_submission_answers(
        exercise=exercise, answers={"answer": RIGHT}, seed=1, sandbox=sandbox
    )
    assert (outcome.points, outcome.max_points) == (5.0, 5.0)
