"""Hidden tests stay hidden, and the grader's seed reaches the tests only.

What learner code prints while hidden tests call it would show their inputs: the page shows only
what it printed before the first hidden request. Hidden tests' own output and tracebacks come
back apart (for the author's command line), never in the fields a learner is shown. The seed
the grader picks is GRADING_SEED in the test cells, seeds `random`, NumPy and torch there, and
never enters the learner's sandbox.
"""

from __future__ import annotations

from nbformat import NotebookNode

from grading.notebooks import reference_answers
from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from tests.grading.notebook_factory import SOFTMAX_SOLUTION, answer_cell, grade_cell, notebook
from tests.grading.notebook_factory import setup_cell as setup

PRINTING = (
    "import numpy as np\n"
    "def softmax(x):\n"
    "    print('ARGS', np.asarray(x).round(6).tolist(), flush=True)\n"
    "    shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
    "    return shifted / shifted.sum(axis=-1, keepdims=True)\n"
)


def _grade(bwrap, source: NotebookNode, answers: dict[str, str], seed: int = 0) -> GradingOutcome:
    return grade_notebook(
        sandbox=bwrap,
        source=source,
        answers=answers,
        limits=GradingLimits(wall_seconds=10, memory_mb=512),
        seed=seed,
    )


def test_learner_output_shows_visible_test_inputs_only(grade) -> None:
    outcome = grade("print('top level')\n" + PRINTING)
    assert outcome.points == 5.0
    assert outcome.learner_output == "top level\nARGS [1.0, 2.0, 3.0]\n"


def test_output_after_a_hidden_test_is_cut_even_in_later_visible_tests(bwrap) -> None:
    source = notebook(
        setup("import numpy as np"),
        answer_cell(SOFTMAX_SOLUTION),
        grade_cell("assert softmax(np.zeros(2)).tolist() == [0.5, 0.5]", "visible_first", 1),
        grade_cell(
            "### BEGIN HIDDEN TESTS\nx = np.array([7.25, 8.5])\nsoftmax(x)\n### END HIDDEN TESTS",
            "hidden",
            1,
        ),
        grade_cell("assert softmax(np.ones(2)).tolist() == [0.5, 0.5]", "visible_after", 1),
    )
    saving = (
        "import numpy as np, threading, time\n"
        "seen = []\n"
        "def later():\n    time.sleep(0.5)\n    print('LATER', seen, flush=True)\n"
        "def softmax(x):\n"
        "    seen.append(np.asarray(x).tolist())\n"
        "    print('ARGS', seen[-1], flush=True)\n"
        "    if len(seen) == 2:\n        threading.Thread(target=later).start()\n"
        "    return np.exp(x) / np.exp(x).sum()\n"
    )
    outcome = _grade(bwrap, source, {"answer": saving})
    assert outcome.points == 3.0
    assert outcome.learner_output == "ARGS [0.0, 0.0]\n"
    assert "7.25" not in outcome.learner_output


def test_hidden_output_and_traceback_come_back_apart(bwrap) -> None:
    source = notebook(
        answer_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"),
        grade_cell("print('visible says', f())\nassert f() == 1", "visible", 1),
        grade_cell(
            "### BEGIN HIDDEN TESTS\nprint('hidden says', 7)\nassert f() == 2, 'secret'\n"
            "### END HIDDEN TESTS",
            "hidden",
            1,
        ),
    )
    visible, hidden = _grade(bwrap, source, reference_answers(source)).cells
    assert (visible.output, visible.hidden_output, visible.hidden_traceback) == (
        "visible says 1\n",
        "",
        "",
    )
    assert (hidden.output, hidden.traceback) == ("", "")
    assert hidden.hidden_output == "hidden says 7\n"
    assert hidden.hidden_traceback.endswith("AssertionError: secret\n")


def _seed_notebook() -> NotebookNode:
    return notebook(
        setup("import random\nimport numpy as np\nimport torch"),
        answer_cell("def f(v):\n    ### BEGIN SOLUTION\n    return v\n    ### END SOLUTION\n"),
        grade_cell("assert GRADING_SEED == 1234, GRADING_SEED", "seed_is_given", 1),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "print(random.random(), np.random.rand(), float(torch.rand(())),\n"
            "      np.random.default_rng(GRADING_SEED).integers(10**9))\n"
            "### END HIDDEN TESTS",
            "draws",
            1,
        ),
    )


def test_test_cells_read_the_seed_and_draw_the_same_inputs_from_it(bwrap) -> None:
    source = _seed_notebook()
    first = _grade(bwrap, source, reference_answers(source), seed=1234)
    again = _grade(bwrap, source, reference_answers(source), seed=1234)
    other = _grade(bwrap, source, reference_answers(source), seed=99)
    assert [cell.passed for cell in first.cells] == [True, True]
    assert [cell.passed for cell in other.cells] == [False, True]
    draws = first.cells[1].hidden_output
    assert len(draws.split()) == 4
    assert again.cells[1].hidden_output == draws
    others = other.cells[1].hidden_output.split()
    assert all(a != b for a, b in zip(draws.split(), others, strict=True))


def test_the_learner_never_sees_the_seed(bwrap) -> None:
    source = _seed_notebook()
    snooping = (
        "import glob, os\n"
        "for path in glob.glob('/job/*'):\n"
        "    print(path, open(path, errors='replace').read())\n"
        "print(dict(os.environ))\n"
        "def f(v):\n    return v\n"
    )
    outcome = _grade(bwrap, source, {"answer": snooping}, seed=987654321)
    assert "/job/cells.json" in outcome.learner_output
    assert "987654321" not in outcome.learner_output
