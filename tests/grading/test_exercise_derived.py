"""What grading needs of an exercise (its release notebook, its cells sorted into setup, answer and
test) is computed once at import and stored on the Exercise; grading reads it back and computes
nothing from the notebook."""

import json
from pathlib import Path

import pytest
from django.test import Client

import grading.execution
import grading.notebooks
import grading.pipeline
import grading.prepared
from grading.execution import grade_submission_answers
from grading.notebooks import (
    classify,
    notebook_from_json,
    reference_answers,
    release_notebook,
    starter_answers,
)
from grading.prepared import PreparedNotebook, notebook_prepare
from sandbox.backends.bwrap import BwrapSandbox
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise

pytestmark = pytest.mark.django_db

# What grading once recomputed from the notebook on every grading.
DERIVING_FUNCTIONS = ("classify", "release_notebook", "notebook_from_json", "read_notebook")


def test_import_stores_what_the_notebook_functions_compute(tmp_path: Path) -> None:
    exercise = make_exercise(tmp_path)
    source = notebook_from_json(exercise.source_notebook)
    release = release_notebook(source)

    assert exercise.release_notebook == json.loads(json.dumps(release))
    assert exercise.starter_code == starter_answers(release)
    assert exercise.cells == [
        {
            "grade_id": cell.grade_id,
            "kind": cell.kind,
            "source": cell.source,
            "points": cell.points,
            "hidden": cell.hidden,
        }
        for cell in classify(source).cells
    ]
    stored = PreparedNotebook.from_stored(cells=exercise.cells, stubs=exercise.starter_code)
    assert stored == notebook_prepare(source)
    assert [cell.kind for cell in stored.cells] == ["setup", "answer", "test", "test", "test"]


def _refuse_deriving(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every grading module's name for a deriving function raises; returns the names patched."""
    patched = []

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("grading recomputed what the import stored")

    for module in (grading.notebooks, grading.prepared, grading.pipeline, grading.execution):
        for name in DERIVING_FUNCTIONS:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
                patched.append(f"{module.__name__}.{name}")
    return patched


def test_grading_reads_the_stored_data(
    tmp_path: Path, bwrap: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    exercise = make_exercise(tmp_path)
    answers = reference_answers(notebook_from_json(exercise.source_notebook))
    patched = _refuse_deriving(monkeypatch)
    assert "grading.notebooks.classify" in patched
    assert "grading.notebooks.release_notebook" in patched

    solved = grade_submission_answers(exercise=exercise, answers=answers, seed=1, sandbox=bwrap)
    assert (solved.points, solved.max_points) == (5.0, 5.0)
    assert [cell.grade_id for cell in solved.cells] == [
        "test_small",
        "test_large_logits",
        "test_batched",
    ]
    assert [cell.hidden for cell in solved.cells] == [False, True, True]

    wrong = grade_submission_answers(
        exercise=exercise,
        answers={"answer": "def softmax(x):\n    return x\n"},
        seed=1,
        sandbox=bwrap,
    )
    assert (wrong.points, wrong.max_points) == (0.0, 5.0)
    assert [cell.passed for cell in wrong.cells] == [False, False, False]


def test_the_stub_stands_in_for_an_answer_cell_left_out(
    tmp_path: Path, bwrap: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored stub (not a recomputed release notebook) fills an answer the learner sent
    none for: the stub raises NotImplementedError, so every test fails."""
    exercise = make_exercise(tmp_path)
    _refuse_deriving(monkeypatch)

    outcome = grade_submission_answers(exercise=exercise, answers={}, seed=1, sandbox=bwrap)

    assert (outcome.points, outcome.max_points) == (0.0, 5.0)
    assert "NotImplementedError" in outcome.cells[0].traceback


def test_the_stored_cells_stay_out_of_the_admin_like_the_source(tmp_path: Path) -> None:
    """The stored cells hold the solution and the hidden tests, as the source notebook does:
    the admin's exercise page shows neither."""
    exercise = make_exercise(tmp_path)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    page = client.get(f"/admin/grading/exercise/{exercise.pk}/change/")

    assert page.status_code == 200
    assert b"Stable softmax" in page.content
    assert b"BEGIN HIDDEN TESTS" not in page.content
    assert b"shifted = np.exp" not in page.content
    for model in ("course", "module", "lesson", "quiz", "question", "quizattempt", "enrolment"):
        assert client.get(f"/admin/courseware/{model}/").status_code == 200
