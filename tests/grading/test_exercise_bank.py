"""Every exercise in the course, three ways, through the real sandboxes: the reference solution
scores full, the release stub scores 0, and each typical mistake earns exactly its points."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.importing import ExerciseSpec, validate_exercise_folder
from grading.notebooks import reference_answers, starter_answers
from grading.pipeline import GradingLimits, grade_notebook

EXERCISES = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide" / "exercises"
FOLDERS = (
    sorted(path for path in EXERCISES.iterdir() if path.is_dir()) if EXERCISES.exists() else []
)


def _spec(folder: Path) -> ExerciseSpec:
    spec, errors = validate_exercise_folder(folder)
    assert errors == [], errors
    assert spec is not None
    return spec


def _grade(bwrap, spec: ExerciseSpec, answers: dict[str, str]) -> float:
    outcome = grade_notebook(
        sandbox=bwrap,
        source=spec.source,
        answers=answers,
        limits=GradingLimits(wall_seconds=spec.wall_seconds, memory_mb=spec.memory_mb),
    )
    return outcome.points


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_reference_full_stub_zero_mistakes_exact(bwrap, folder: Path) -> None:
    spec = _spec(folder)
    assert _grade(bwrap, spec, reference_answers(spec.source)) == spec.max_points
    assert _grade(bwrap, spec, starter_answers(spec.release)) == 0.0
    (answer_id,) = reference_answers(spec.source)
    for check in spec.checks:
        points = _grade(bwrap, spec, {answer_id: spec.mistakes[str(check["file"])]})
        assert points == float(check["points"]), check


def test_the_bank_is_large_enough() -> None:
    assert len(FOLDERS) >= 24
