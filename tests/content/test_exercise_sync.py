"""Exercises go through the importer's one create/update/deactivate step, as lessons and quizzes
do: an unchanged folder writes nothing, a stale row is brought up to date, and an exercise
learners have submitted to is only deactivated with force, never deleted."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from content.importer import ImportFailed, course_import
from grading.models import Exercise, Submission
from grading.notebooks import classify, notebook_from_json
from grading.prepared import PreparedNotebook
from tests.content.test_import import _add_exercise, replace

pytestmark = pytest.mark.django_db

REFUSAL = (
    "These exercises have submissions; rerun with --force to remove them "
    "(their history is kept): stable-softmax"
)


def _stored_classification(exercise: Exercise) -> list[dict[str, object]]:
    cells = classify(notebook_from_json(exercise.source_notebook)).cells
    return PreparedNotebook(cells=cells, stubs={}).stored_cells()


def _submit(exercise: Exercise, learner) -> Submission:
    return Submission.objects.create(
        exercise=exercise,
        user=learner,
        kind=Submission.Kind.CODE,
        payload="def softmax(x):\n    return x\n",
        answers={"answer": "def softmax(x):\n    return x\n"},
    )


def _remove_exercise_from(course_dir: Path) -> None:
    replace(course_dir / "course.yaml", "\n    exercises: [stable-softmax]", "")


def test_removing_an_exercise_with_submissions_needs_force_and_keeps_them(mini_course_dir, learner):
    _add_exercise(mini_course_dir)
    course_import(path=mini_course_dir)
    exercise = Exercise.objects.get(slug="stable-softmax")
    submission = _submit(exercise, learner)
    _remove_exercise_from(mini_course_dir)

    with pytest.raises(ImportFailed) as refused:
        course_import(path=mini_course_dir)

    assert refused.value.errors == [REFUSAL]
    exercise.refresh_from_db()
    assert exercise.is_active is True

    report = course_import(path=mini_course_dir, force=True)

    assert report.removed["exercises"] == ["stable-softmax"]
    exercise.refresh_from_db()
    assert exercise.is_active is False
    assert Submission.objects.get(pk=submission.pk).exercise_id == exercise.pk


def test_an_exercise_that_comes_back_is_reactivated_in_place(mini_course_dir):
    _add_exercise(mini_course_dir)
    course_import(path=mini_course_dir)
    first = Exercise.objects.get(slug="stable-softmax")
    _remove_exercise_from(mini_course_dir)
    course_import(path=mini_course_dir)
    replace(
        mini_course_dir / "course.yaml",
        "quiz: quizzes/01-basics.yaml",
        "quiz: quizzes/01-basics.yaml\n    exercises: [stable-softmax]",
    )

    report = course_import(path=mini_course_dir)

    assert report.changed["exercises"] == ["stable-softmax"]
    assert Exercise.objects.get(slug="stable-softmax").pk == first.pk
    assert Exercise.objects.get(pk=first.pk).is_active is True


def test_a_row_without_its_derived_data_gets_it_on_the_next_import(mini_course_dir):
    _add_exercise(mini_course_dir)
    course_import(path=mini_course_dir)
    Exercise.objects.filter(slug="stable-softmax").update(cells=[], starter_code={})

    report = course_import(path=mini_course_dir)

    assert report.changed["exercises"] == ["stable-softmax"]
    exercise = Exercise.objects.get(slug="stable-softmax")
    assert exercise.cells == _stored_classification(exercise)
    assert list(exercise.starter_code) == ["answer"]
    assert course_import(path=mini_course_dir).is_empty


def test_the_data_migration_fills_the_cells_of_rows_imported_before_it(mini_course_dir):
    _add_exercise(mini_course_dir)
    course_import(path=mini_course_dir)
    imported = Exercise.objects.get(slug="stable-softmax").cells
    Exercise.objects.filter(slug="stable-softmax").update(cells=[])
    migration = importlib.import_module("grading.migrations.0005_exercise_stored_cells")

    migration.cells_fill(apps, None)

    exercise = Exercise.objects.get(slug="stable-softmax")
    assert exercise.cells == imported == _stored_classification(exercise)
    assert [cell["kind"] for cell in exercise.cells] == ["setup", "answer"] + ["test"] * 6
