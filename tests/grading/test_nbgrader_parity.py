"""Parity with `nbgrader autograde` on honest submissions of a multi-part notebook.

nbgrader's own path (answers put into the source, nbgrader's Execute preprocessor in one kernel,
nbgrader's determine_grade per grade cell) runs here only on the honest fixtures below, which
we wrote; learner code never takes that path. Our two-sandbox grader must give the same points
per grade cell, except that a warning on stderr does not zero a passing cell with us.
"""

from __future__ import annotations

import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from grading.notebooks import classify
from grading.pipeline import GradingLimits, grade_notebook
from tests.grading.nbgrader_wheel_catalogue import single_kernel_points
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook, setup_cell


def multipart() -> NotebookNode:
    return notebook(
        new_markdown_cell("Three parts: statistics, a matrix helper and a running total."),
        setup_cell("import numpy as np\nimport math"),
        answer_cell(
            "def mean_and_std(values):\n    ### BEGIN SOLUTION\n"
            "    values = np.asarray(values, dtype=float)\n"
            "    return float(values.mean()), float(values.std())\n    ### END SOLUTION\n",
            "answer_stats",
        ),
        grade_cell("assert mean_and_std([1, 2, 3]) == (2.0, math.sqrt(2 / 3))", "test_stats", 2),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "data = np.random.default_rng(0).normal(size=50)\n"
            "m, s = mean_and_std(data)\n"
            "assert abs(m - data.mean()) < 1e-12 and abs(s - data.std()) < 1e-12\n"
            "### END HIDDEN TESTS",
            "test_stats_hidden",
            3,
        ),
        answer_cell(
            "def normalize_rows(matrix):\n    ### BEGIN SOLUTION\n"
            "    matrix = np.asarray(matrix, dtype=float)\n"
            "    return matrix / matrix.sum(axis=1, keepdims=True)\n    ### END SOLUTION\n",
            "answer_rows",
        ),
        grade_cell(
            "result = normalize_rows([[1, 1], [1, 3]])\n"
            "np.testing.assert_allclose(result, [[0.5, 0.5], [0.25, 0.75]])",
            "test_rows",
            1,
        ),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "m = np.random.default_rng(1).random((4, 3)) + 0.1\n"
            "np.testing.assert_allclose(normalize_rows(m).sum(axis=1), np.ones(4))\n"
            "### END HIDDEN TESTS",
            "test_rows_hidden",
            2,
        ),
        answer_cell(
            "def running_total(values):\n    ### BEGIN SOLUTION\n"
            "    total, out = 0, []\n    for value in values:\n"
            "        total += value\n        out.append(total)\n    return out\n"
            "    ### END SOLUTION\n",
            "answer_total",
        ),
        grade_cell(
            "score = 0\n"
            "score += running_total([1, 2, 3]) == [1, 3, 6]\n"
            "score += running_total([]) == []\n"
            "score",
            "test_total_partial",
            2,
        ),
    )


SUBMISSIONS = {
    "right": None,
    "partly right": {
        "answer_stats": "def mean_and_std(values):\n    v = np.asarray(values, float)\n"
        "    return float(v.mean()), float(v.std(ddof=1))\n",
        "answer_total": "def running_total(values):\n    return [sum(values)] * len(values)\n",
    },
    "wrong": {
        "answer_stats": "def mean_and_std(values):\n    return 0.0, 0.0\n",
        "answer_rows": "def normalize_rows(matrix):\n    return matrix\n",
        "answer_total": "def running_total(values):\n    raise ValueError('not yet')\n",
    },
}


def _answers(source: NotebookNode, overrides: dict[str, str] | None) -> dict[str, str]:
    reference = {
        cell.grade_id: "\n".join(line for line in cell.source.splitlines() if "### " not in line)
        + "\n"
        for cell in classify(source).answers
    }
    reference.update(overrides or {})
    return reference


@pytest.mark.parametrize("name", list(SUBMISSIONS))
def test_points_per_grade_cell_match_nbgrader(bwrap, name: str) -> None:
    source = multipart()
    answers = _answers(source, SUBMISSIONS[name])
    expected = single_kernel_points(source, answers, strip_markers=True)
    outcome = grade_notebook(
        sandbox=bwrap, source=source, answers=answers, limits=GradingLimits(wall_seconds=20)
    )
    ours = {cell.grade_id: cell.points for cell in outcome.cells}
    assert ours == expected
    if name == "right":
        assert outcome.points == outcome.max_points == 10.0
    if name == "partly right":
        assert ours["test_total_partial"] == 1.0  # nbgrader's partial credit from the value


def test_a_warning_on_stderr_does_not_zero_a_passing_cell(bwrap) -> None:
    source = multipart()
    answers = _answers(source, None)
    answers["answer_rows"] = "import warnings\n" + answers["answer_rows"].replace(
        "    matrix = np.asarray",
        "    warnings.warn('deprecated spelling')\n    matrix = np.asarray",
    )
    outcome = grade_notebook(
        sandbox=bwrap, source=source, answers=answers, limits=GradingLimits(wall_seconds=20)
    )
    assert {cell.grade_id: cell.points for cell in outcome.cells}["test_rows"] == 1.0
