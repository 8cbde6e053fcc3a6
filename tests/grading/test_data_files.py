"""An exercise's data files reach both sandboxes' working directory, as nbgrader's kernel finds
them beside the notebook (nbgrader's own open_relative_file example read nothing before)."""

import pytest

from grading.pipeline import GradingLimits, data_file_name, grade_notebook
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook, setup_cell


def _source():
    return notebook(
        setup_cell("with open('prices.csv') as handle:\n    ROWS = handle.read().split()"),
        answer_cell(
            "def total():\n    ### BEGIN SOLUTION\n    return sum(float(r) for r in open('prices.csv').read().split())\n    ### END SOLUTION"
        ),
        grade_cell("assert total() == sum(float(r) for r in ROWS) == 6.5", "total_is_right", 2),
        grade_cell(
            "open('scratch.txt', 'w').write('ok')\nassert open('scratch.txt').read() == 'ok'",
            "cwd_is_writable",
            1,
        ),
    )


def _grade(bwrap, code, files):
    return grade_notebook(
        sandbox=bwrap,
        source=_source(),
        answers={"answer": code},
        limits=GradingLimits(wall_seconds=10, memory_mb=512),
        data_files=files,
    )


def test_both_sandboxes_open_the_exercise_files_by_relative_path(bwrap):
    code = "def total():\n    return sum(float(r) for r in open('prices.csv').read().split())"
    outcome = _grade(bwrap, code, {"prices.csv": b"1.5\n2\n3\n"})

    assert [(cell.grade_id, cell.points) for cell in outcome.cells] == [
        ("total_is_right", 2.0),
        ("cwd_is_writable", 1.0),
    ]


def test_without_the_files_the_same_answer_fails(bwrap):
    code = "def total():\n    return sum(float(r) for r in open('prices.csv').read().split())"
    outcome = _grade(bwrap, code, {})

    assert outcome.points == 1.0  # only the cell that needs no file


@pytest.mark.parametrize("name", ["/etc/passwd", "../tests.json", "a/../../b", "", "a//b", "./x"])
def test_names_outside_the_data_folder_are_refused(name):
    with pytest.raises(ValueError, match="not a relative path inside the data folder"):
        data_file_name(name)


def _exercise_folder(tmp_path):
    import nbformat

    folder = tmp_path / "prices"
    (folder / "data" / "sub").mkdir(parents=True)
    (folder / "exercise.yaml").write_text("title: Prices\nlesson: first-steps\n")
    nbformat.write(_source(), folder / "source.ipynb")
    (folder / "data" / "prices.csv").write_bytes(b"1.5\n2\n3\n")
    (folder / "data" / "sub" / "more.txt").write_bytes(b"x")
    return folder


def test_the_importer_reads_the_data_folder_into_the_exercise(tmp_path):
    from grading.importing import validate_exercise_folder

    folder = _exercise_folder(tmp_path)
    spec, errors = validate_exercise_folder(folder)

    assert errors == []
    assert spec.data_files == {"prices.csv": b"1.5\n2\n3\n", "sub/more.txt": b"x"}
    before = spec.content_hash
    (folder / "data" / "prices.csv").write_bytes(b"9\n")
    assert validate_exercise_folder(folder)[0].content_hash != before  # a data change is a change


def test_links_and_oversized_data_folders_are_refused(tmp_path):
    from grading import importing

    folder = _exercise_folder(tmp_path)
    (folder / "data" / "secret").symlink_to("/etc/hostname")
    spec, errors = importing.validate_exercise_folder(folder)
    assert spec is None
    assert errors == [f"{folder / 'data' / 'secret'}:1: data files may not be links"]

    (folder / "data" / "secret").unlink()
    (folder / "data" / "big.bin").write_bytes(b"0" * (importing.MAX_DATA_BYTES + 1))
    spec, errors = importing.validate_exercise_folder(folder)
    assert spec is None
    assert errors[0].startswith(f"{folder / 'data'}:1: data files take ")


@pytest.mark.django_db
def test_a_stored_exercise_hands_its_files_to_the_grading(tmp_path, bwrap):
    from grading.execution import grade_submission_answers
    from grading.importing import exercise_values, validate_exercise_folder
    from grading.models import Exercise
    from tests.courseware.factories import ModuleFactory

    spec, _ = validate_exercise_folder(_exercise_folder(tmp_path))
    exercise = Exercise.objects.create(
        slug=spec.slug, **exercise_values(spec=spec, module_pk=ModuleFactory().pk)
    )

    code = "def total():\n    return sum(float(r) for r in open('prices.csv').read().split())"
    outcome = grade_submission_answers(
        exercise=exercise, answers={"answer": code}, seed=1, sandbox=bwrap
    )
    assert outcome.points == 3.0
