"""Builds small nbgrader source notebooks for the grading tests."""

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, **flags: object) -> dict[str, object]:
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, **flags}}


def setup_cell(source: str, grade_id: str = "setup") -> NotebookNode:
    return new_code_cell(source, metadata=_meta(grade_id, locked=True, solution=False, grade=False))


def answer_cell(source: str, grade_id: str = "answer") -> NotebookNode:
    return new_code_cell(source, metadata=_meta(grade_id, solution=True, grade=False, locked=False))


def grade_cell(source: str, grade_id: str, points: float) -> NotebookNode:
    return new_code_cell(
        source, metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points)
    )


def notebook(*cells: NotebookNode) -> NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    return nb


SOFTMAX_SOLUTION = (
    "def softmax(x):\n"
    '    """Softmax over the last axis."""\n'
    "    ### BEGIN SOLUTION\n"
    "    shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
    "    return shifted / shifted.sum(axis=-1, keepdims=True)\n"
    "    ### END SOLUTION\n"
)


def softmax_notebook() -> NotebookNode:
    return notebook(
        new_markdown_cell("Write a numerically stable `softmax`."),
        setup_cell("import numpy as np"),
        answer_cell(SOFTMAX_SOLUTION),
        grade_cell(
            "result = softmax(np.array([1.0, 2.0, 3.0]))\n"
            "np.testing.assert_allclose(result, [0.09003057, 0.24472847, 0.66524096], rtol=1e-6)\n"
            "print('visible test ran')",
            "test_small",
            1,
        ),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "x = np.random.default_rng().normal(size=(4, 5)) * 1000\n"
            "expected = np.exp(x - x.max(-1, keepdims=True))\n"
            "expected /= expected.sum(-1, keepdims=True)\n"
            "np.testing.assert_allclose(softmax(x), expected, rtol=1e-6, atol=1e-12)\n"
            "### END HIDDEN TESTS",
            "test_large_logits",
            2,
        ),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "x = np.random.default_rng().normal(size=(3, 2, 6))\n"
            "result = softmax(x)\n"
            "assert result.shape == x.shape\n"
            "np.testing.assert_allclose(result.sum(-1), np.ones((3, 2)))\n"
            "### END HIDDEN TESTS",
            "test_batched",
            2,
        ),
    )
