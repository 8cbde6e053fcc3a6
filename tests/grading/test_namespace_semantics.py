"""nbgrader semantics across two sandboxes: test cells that delete, rebind, restore or replace
the learner's names act on the learner's namespace as in one kernel; learner objects round-trip
as arguments; the author's setup helpers cannot be replaced by learner code; and a learner that
abuses callbacks into the tests gets its own 0, never an infrastructure error."""

from __future__ import annotations

from pathlib import Path

import nbgrader
import pytest
from nbformat import NotebookNode

from grading import relay
from grading.notebooks import read_notebook, reference_answers
from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook, setup_cell

PS1 = (
    Path(nbgrader.__file__).parent
    / "docs"
    / "source"
    / "user_guide"
    / "source"
    / "ps1"
    / "problem1.ipynb"
)


def _grade(bwrap, source: NotebookNode, answers: dict[str, str], seconds: float = 10):
    return grade_notebook(
        sandbox=bwrap,
        source=source,
        answers=answers,
        limits=GradingLimits(wall_seconds=seconds, memory_mb=512),
    )


def _points(outcome: GradingOutcome) -> dict[str, float]:
    return {cell.grade_id: cell.points for cell in outcome.cells}


def test_nbgraders_ps1_gives_full_points_for_its_own_solution(bwrap) -> None:
    source = read_notebook(PS1.read_bytes())
    outcome = _grade(bwrap, source, reference_answers(source))
    assert _points(outcome) == {
        "correct_squares": 1.0,
        "squares_invalid_input": 1.0,
        "correct_sum_of_squares": 0.5,
        "sum_of_squares_uses_squares": 0.5,
    }


def test_ps1_gives_nothing_when_sum_of_squares_does_not_use_squares(bwrap) -> None:
    source = read_notebook(PS1.read_bytes())
    answers = reference_answers(source)
    answers["sum_of_squares"] = (
        "def sum_of_squares(n):\n    return sum(i * i for i in range(1, n + 1))\n"
    )
    points = _points(_grade(bwrap, source, answers))
    assert points["correct_sum_of_squares"] == 0.5
    assert points["sum_of_squares_uses_squares"] == 0.0


SQUARES = (
    "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(1, n + 1)]\n"
    "    ### END SOLUTION\n\n"
    "def sum_of_squares(n):\n    ### BEGIN SOLUTION\n    return sum(squares(n))\n"
    "    ### END SOLUTION\n"
)


def _squares_notebook(*tests: NotebookNode) -> NotebookNode:
    return notebook(setup_cell("import math"), answer_cell(SQUARES), *tests)


SPY = (
    "calls = []\n"
    "original = squares\n"
    "def spy(n):\n"
    "    calls.append(n)\n"
    "    return original(n)\n"
    "squares = spy\n"
    "try:\n"
    "    assert sum_of_squares(4) == 30\n"
    "    assert sum_of_squares(2) == 5\n"
    "finally:\n"
    "    squares = original\n"
    "assert calls == [4, 2], calls\n"
    "assert sum_of_squares(3) == 14 and calls == [4, 2]\n"
)

STUB = (
    "original = squares\n"
    "squares = lambda n: [1] * n\n"
    "try:\n"
    "    assert sum_of_squares(5) == 5\n"
    "finally:\n"
    "    squares = original\n"
    "assert sum_of_squares(3) == 14\n"
)


def test_a_spy_sees_every_call_and_a_stub_changes_the_result(bwrap) -> None:
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1), grade_cell(STUB, "test_stub", 1))
    outcome = _grade(bwrap, source, reference_answers(source))
    assert [(cell.grade_id, cell.passed) for cell in outcome.cells] == [
        ("test_spy", True),
        ("test_stub", True),
    ], [cell.traceback for cell in outcome.cells]


def test_a_spy_finds_a_helper_that_is_not_used(bwrap) -> None:
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1))
    answers = {
        "answer": "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n"
        "def sum_of_squares(n):\n    return n * (n + 1) * (2 * n + 1) // 6\n"
    }
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 0.0
    assert "AssertionError: []" in outcome.cells[0].traceback


def test_rebinding_and_deleting_a_learner_value_acts_in_the_learners_namespace(bwrap) -> None:
    source = notebook(
        answer_cell(
            "SCALE = 2\n\ndef scaled(v):\n    ### BEGIN SOLUTION\n    return SCALE * v\n"
            "    ### END SOLUTION\n"
        ),
        grade_cell(
            "assert scaled(3) == 6\n"
            "SCALE = 10\n"
            "assert scaled(3) == 30\n"
            "del SCALE\n"
            "try:\n    scaled(3)\nexcept NameError:\n    pass\n"
            "else:\n    raise AssertionError('SCALE was not deleted')\n"
            "SCALE = 2\n"
            "assert scaled(3) == 6\n",
            "test_rebind",
            1,
        ),
    )
    outcome = _grade(bwrap, source, reference_answers(source))
    assert outcome.points == 1.0, outcome.cells[0].traceback


def test_learner_functions_round_trip_as_arguments(bwrap) -> None:
    source = notebook(
        answer_cell(
            "def apply(f, x):\n    ### BEGIN SOLUTION\n    return f(x)\n    ### END SOLUTION\n\n"
            "def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION\n\n"
            "class Box:\n    def __init__(self):\n        self.items = []\n\n"
            "def fill(box):\n    ### BEGIN SOLUTION\n    box.items.append(1)\n    return box\n"
            "    ### END SOLUTION\n"
        ),
        grade_cell(
            "assert apply(double, 3) == 6\n"
            "assert apply(learner.double, 4) == 8\n"
            "assert apply(lambda v: v + 1, 4) == 5\n"
            "box = Box()\n"
            "assert fill(box).items == [1]\n"
            "assert apply(fill, box).items == [1, 1]\n",
            "test_round_trip",
            1,
        ),
    )
    outcome = _grade(bwrap, source, reference_answers(source))
    assert outcome.points == 1.0, outcome.cells[0].traceback


def _helper_notebook() -> NotebookNode:
    return notebook(
        setup_cell(
            "def reference_total(values):\n    return sum(values)\n\n"
            "class Counter:\n    def __init__(self):\n        self.count = 0\n\n"
            "def make_counter():\n    return Counter()\n"
        ),
        answer_cell(
            "def total(values):\n    ### BEGIN SOLUTION\n    return sum(values)\n"
            "    ### END SOLUTION\n\n"
            "def bump(counter):\n    ### BEGIN SOLUTION\n    counter.count += 1\n"
            "    ### END SOLUTION\n"
        ),
        grade_cell("assert total([1, 2, 3]) == reference_total([1, 2, 3])", "test_direct", 1),
        grade_cell(
            "assert total([4, 5]) == learner.reference_total([4, 5])", "test_via_learner", 1
        ),
        grade_cell(
            "counter = learner.make_counter()\nbump(counter)\nbump(counter)\n"
            "assert counter.count == 2",
            "test_built_by_setup",
            1,
        ),
    )


def test_setup_helpers_reached_through_the_learner_namespace_are_the_authors(bwrap) -> None:
    source = _helper_notebook()
    assert _grade(bwrap, source, reference_answers(source)).points == 3.0
    cheat = {
        "answer": "def reference_total(values):\n    return 42\n\n"
        "def total(values):\n    return 42\n\n"
        "def make_counter():\n    class Fake:\n        count = 2\n    return Fake()\n\n"
        "def bump(counter):\n    pass\n"
    }
    outcome = _grade(bwrap, source, cheat)
    assert _points(outcome) == {
        "test_direct": 0.0,
        "test_via_learner": 0.0,
        "test_built_by_setup": 0.0,
    }


# --- learners that abuse callbacks -------------------------------------------------------------


def test_a_callback_flood_is_the_learners_zero(bwrap, monkeypatch) -> None:
    monkeypatch.setattr(relay, "MAX_CALLBACKS", 200)
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1))
    answers = {
        "answer": "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n"
        "def sum_of_squares(n):\n    for _ in range(10**6):\n        squares(1)\n"
        "    return sum(squares(n))\n"
    }
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 0.0
    assert outcome.message == (
        "Your code sent the grader something it does not accept, so nothing was graded: "
        "it called functions from the tests more than 200 times."
    )


def test_deep_recursion_through_a_spy_is_a_result(bwrap) -> None:
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1))
    answers = {
        "answer": "def squares(n):\n    return [] if n == 0 else squares(n - 1) + [n * n]\n"
        "def sum_of_squares(n):\n    squares(400)\n    return sum(squares(n))\n"
    }
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 0.0
    assert outcome.cells[0].passed is False


FORGE = (
    "import sys, json\n"
    "def _protocol():\n"
    "    frame = sys._getframe()\n"
    "    while 'protocol_out' not in frame.f_locals:\n"
    "        frame = frame.f_back\n"
    "    return frame.f_locals['protocol_out']\n"
    "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n"
)


@pytest.mark.parametrize(
    "message",
    [
        "{'cb': 1, 'ok': True, 'value': [0]}",  # an answer only the tests may give
        "{'cb': 1, 'callback': 1, 'args': 'x', 'kwargs': {}}",
        "{'seq': 1, 'ok': True, 'value': 30}",  # an answer to an earlier request
    ],
)
def test_forged_callback_traffic_is_the_learners_zero(bwrap, message: str) -> None:
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1))
    answers = {
        "answer": FORGE + "def sum_of_squares(n):\n"
        "    squares(1)\n"
        f"    _protocol().write(json.dumps({message}).encode() + b'\\n')\n"
        "    import time\n    time.sleep(30)\n"
    }
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 0.0
    assert outcome.message.startswith("Your code sent the grader something it does not accept")


def test_calling_an_unknown_callback_fails_only_the_learners_call(bwrap) -> None:
    source = _squares_notebook(grade_cell("assert sum_of_squares(2) == 'unknown'", "test_cb", 1))
    answers = {
        "answer": "import gc\n"
        "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n"
        "def sum_of_squares(n):\n"
        "    server = [o for o in gc.get_objects() if type(o).__name__ == 'Server'][0]\n"
        "    try:\n        server.call_back(12345, (), {})\n"
        "    except LookupError as error:\n        return 'unknown'\n"
    }
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 1.0, outcome.cells[0].traceback
    assert outcome.message == ""


def test_the_test_cells_keep_their_own_names_after_a_learner_rebinding(bwrap) -> None:
    source = _squares_notebook(
        grade_cell("assert math.sqrt(16) == 4\nassert squares(2) == [1, 4]", "test_math", 1)
    )
    answers = {"answer": "import math\nmath = None\n" + SQUARES.replace("### ", "# ")}
    outcome = _grade(bwrap, source, answers)
    assert outcome.points == 1.0, outcome.cells[0].traceback


def test_a_learner_global_changed_by_a_learner_function_is_read_fresh(bwrap) -> None:
    source = notebook(
        answer_cell(
            "counter = 0\nitems = []\n\ndef bump():\n    ### BEGIN SOLUTION\n"
            "    global counter\n    counter += 1\n    items.append(counter)\n"
            "    return counter\n    ### END SOLUTION\n"
        ),
        grade_cell(
            "bump()\nbump()\nassert counter == 2, counter\nassert items == [1, 2], items",
            "test_globals",
            1,
        ),
    )
    outcome = _grade(bwrap, source, reference_answers(source))
    assert outcome.points == 1.0, outcome.cells[0].traceback


def test_both_sides_run_with_nbgraders_execution_variable(bwrap) -> None:
    source = notebook(
        setup_cell("import os"),
        answer_cell(
            "def mode():\n    ### BEGIN SOLUTION\n    return os.environ.get('NBGRADER_EXECUTION')\n"
            "    ### END SOLUTION\n"
        ),
        grade_cell(
            "assert os.getenv('NBGRADER_EXECUTION') == 'autograde'\nassert mode() == 'autograde'",
            "test_environment",
            1,
        ),
    )
    outcome = _grade(bwrap, source, reference_answers(source))
    assert outcome.points == 1.0, outcome.cells[0].traceback


def test_deleting_and_restoring_acts_on_names_the_starter_does_not_declare(bwrap) -> None:
    source = notebook(
        answer_cell(
            "### BEGIN SOLUTION\ndef helper():\n    return 1\n\n"
            "def uses_helper():\n    return helper()\n### END SOLUTION\n"
        ),
        grade_cell(
            "original = helper\n"
            "del helper\n"
            "try:\n    uses_helper()\nexcept NameError:\n    pass\n"
            "else:\n    raise AssertionError('uses_helper does not use helper')\n"
            "finally:\n    helper = original\n"
            "assert uses_helper() == 1\n",
            "test_uses_helper",
            1,
        ),
        grade_cell(
            "helper = lambda: 2\nassert uses_helper() == 1  # not asked for: the test's own\n"
            "helper = original\nassert uses_helper() == 1",
            "test_not_shared",
            1,
        ),
    )
    outcome = _grade(bwrap, source, reference_answers(source))
    assert outcome.points == 2.0, [cell.traceback for cell in outcome.cells]
