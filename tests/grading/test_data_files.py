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
