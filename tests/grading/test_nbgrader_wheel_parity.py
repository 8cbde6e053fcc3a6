"""Parity with nbgrader on every autograded notebook that ships inside the nbgrader wheel.

For each (source, submission) pair in `nbgrader_wheel_catalogue.PAIRS` the reference is nbgrader
itself (`generate_assignment` then `autograde`, one kernel per submission), and ours is what the
platform does with an uploaded notebook: the answer cells taken from the upload against the
release notebook, then the two-sandbox grader on every backend (bubblewrap warm and cold, Docker
cold and warm under the `docker` mark; nbgrader runs once per source for all of them). The
points of every automatically graded cell must be equal. nbgrader's fixture notebooks are the only code that takes nbgrader's
one-kernel path here; learner code never does.

The focused tests at the end pin the one-kernel semantics these notebooks rely on (a test cell
that deletes and restores a learner name, replaces a learner helper with a spy, reads a global a
learner function changed), each against nbgrader's Execute and against our grader.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import pytest
from django.conf import settings
from nbformat import NotebookNode

from grading.autotests import autotests_expand
from grading.notebooks import answers_from_notebook, read_notebook, release_notebook
from grading.pipeline import GradingLimits, grade_notebook
from sandbox import Sandbox
from sandbox.backends.bwrap import BwrapSandbox
from tests.docker_support import docker_sandbox
from tests.grading.nbgrader_wheel_catalogue import (
    NBGRADER_ROOT,
    NO_AUTOGRADED_CELL,
    PAIRS,
    REFUSED_BY_NBGRADER,
    USER_GUIDE,
    Pair,
    Source,
    autograded_cell_ids,
    nbgrader_generate_error,
    nbgrader_points,
    read,
    set_aside,
    single_kernel_points,
    unaccounted_notebooks,
)
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook

LIMITS = GradingLimits(wall_seconds=20)
# nbgrader's gradebook warns about its own SQLAlchemy session use on every autograde.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

# Pairs for which nbgrader itself produces no score, with the failure it reports. They are
# skipped, after checking that nbgrader still fails the way stated (so a fixed nbgrader shows).
NBGRADER_FAILS: dict[str, tuple[str, str]] = {
    **{
        f"tests/{folder}/files/submitted-{kind}-cell-type-changed.ipynb": (
            "'id' is a required property",
            "nbgrader 0.9.6's OverwriteCells cannot restore a changed cell type under nbformat 5.10",
        )
        for folder in ("preprocessors", "ui-tests")
        for kind in ("grade", "answer")
    },
    "tests/apps/files/test-v0-invalid.ipynb": (
        "cell does not have a grade_id",
        "nbgrader refuses a graded cell without grade_id, even after `nbgrader update`",
    ),
}

# Pairs where our grader differs from nbgrader, each with its cause. strict: a pair that starts
# matching fails here until its entry is removed. None today: AUTOTEST directives are expanded
# at import and exercises carry their data files, the two differences the first runs found.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _param(pair: Pair) -> Any:
    reason = KNOWN_DIFFERENCES.get(pair.test_id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(pair, id=pair.test_id, marks=marks)


@pytest.fixture(
    scope="module",
    params=[
        "bwrap warm",
        "bwrap cold",
        pytest.param("docker cold", marks=pytest.mark.docker),
        pytest.param("docker warm", marks=pytest.mark.docker),
    ],
)
def backend(request: pytest.FixtureRequest, bwrap: BwrapSandbox) -> Iterator[Sandbox]:
    """Every backend the grader runs on; the nbgrader reference is computed once per source."""
    if request.param == "bwrap warm":
        yield bwrap
        return
    if request.param == "bwrap cold":
        cold = BwrapSandbox(python=settings.SANDBOX_PYTHON, warm=False)
        yield cold
        cold.close()
        return
    docker = docker_sandbox(warm=request.param == "docker warm")
    yield docker
    docker.warm_pool.close()


def our_points(sandbox: Sandbox, pair: Pair) -> dict[str, float]:
    """What the platform gives an upload: answers from the filled-in notebook, graded against
    the source in two sandboxes."""
    source_path = NBGRADER_ROOT / pair.source.path
    templates = NBGRADER_ROOT / pair.source.autotests if pair.source.autotests else None
    # As the importer does: AUTOTEST directives expanded from the author's solution (templates
    # beside the notebook or at the course root), data files handed to both sandboxes.
    source = autotests_expand(
        source=read_notebook(source_path.read_bytes()),
        directory=source_path.parent,
        course_root=templates.parent if templates is not None else None,
    )
    upload = read_notebook((NBGRADER_ROOT / pair.submission).read_bytes())
    answers, _edited_locked_cells = answers_from_notebook(upload, release_notebook(source))
    data_files = {
        PurePosixPath(name).name: (NBGRADER_ROOT / name).read_bytes()
        for name in pair.source.data_files
    }
    outcome = grade_notebook(
        sandbox=sandbox, source=source, answers=answers, limits=LIMITS, data_files=data_files
    )
    return {cell.grade_id: cell.points for cell in outcome.cells}


def test_every_shipped_notebook_is_paired_or_set_aside_with_a_reason() -> None:
    assert unaccounted_notebooks() == []
    reasons = set_aside()
    assert all(reasons.values())
    for path, reason in reasons.items():
        if reason == NO_AUTOGRADED_CELL:
            assert autograded_cell_ids(read(path)) == [], path
    paired = {pair.source.path for pair in PAIRS} | {pair.submission for pair in PAIRS}
    assert set(KNOWN_DIFFERENCES) <= {pair.test_id for pair in PAIRS}
    assert set(NBGRADER_FAILS) <= {pair.submission for pair in PAIRS}
    assert paired | set(reasons) == {
        path.relative_to(NBGRADER_ROOT).as_posix() for path in NBGRADER_ROOT.rglob("*.ipynb")
    }


@pytest.mark.parametrize("path", sorted(REFUSED_BY_NBGRADER))
def test_notebooks_set_aside_as_refused_are_refused_by_nbgrader(path: str) -> None:
    assert "the nbgrader metadata may be corrupted" in nbgrader_generate_error(path)


def test_the_reference_gives_the_scores_nbgrader_shipped_in_its_docs() -> None:
    """nbgrader's docs ship the autograded notebooks of two students and their grades.csv:
    the reference run here must reproduce both, cell by cell and in total."""
    from nbgrader.utils import determine_grade

    with open(NBGRADER_ROOT / USER_GUIDE / "grades.csv", newline="") as handle:
        raw_scores = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    references = nbgrader_points(Source(f"{USER_GUIDE}/source/ps1/problem1.ipynb"))
    for student in ("hacker", "bitdiddle"):
        shipped = read(f"{USER_GUIDE}/autograded/{student}/ps1/problem1.ipynb")
        autograded = set(autograded_cell_ids(shipped))
        recorded = {
            cell.metadata.nbgrader["grade_id"]: float(determine_grade(cell)[0])
            for cell in shipped.cells
            if cell.metadata.get("nbgrader", {}).get("grade_id") in autograded
        }
        reference = references[f"{USER_GUIDE}/submitted/{student}/ps1/problem1.ipynb"]
        assert reference.error == ""
        assert reference.points == recorded
        assert sum(reference.points.values()) == raw_scores[student]


@pytest.mark.parametrize("pair", [_param(pair) for pair in PAIRS])
def test_points_per_cell_match_nbgrader(backend: Sandbox, pair: Pair) -> None:
    reference = nbgrader_points(pair.source)[pair.submission]
    if pair.submission in NBGRADER_FAILS:
        expected_error, reason = NBGRADER_FAILS[pair.submission]
        assert expected_error in reference.error
        pytest.skip(f"no reference: {reason}")
    assert reference.error == ""
    assert reference.points, "the reference scored no cell"
    assert our_points(backend, pair) == reference.points


# One-kernel semantics, each case tiny. The expected points are nbgrader's, written out so that
# a change in the reference shows too.


def _grade_both(
    sandbox: BwrapSandbox, source: NotebookNode, answers: dict[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    reference = single_kernel_points(source, answers)
    outcome = grade_notebook(sandbox=sandbox, source=source, answers=answers, limits=LIMITS)
    return reference, {cell.grade_id: cell.points for cell in outcome.cells}


DELETE_AND_RESTORE = (
    "saved = helper\n"
    "del helper\n"
    "try:\n"
    "    uses_helper()\n"
    "except NameError:\n"
    "    pass\n"
    "else:\n"
    "    raise AssertionError('uses_helper does not call helper')\n"
    "finally:\n"
    "    helper = saved\n"
    "assert uses_helper() == 3\n"
)


def _marked(*functions: tuple[str, str], prelude: str = "") -> str:
    """An answer cell as nbgrader authors write one: each function's signature stays in the
    starter code and only its body is the solution, so the release declares the names."""
    parts = [prelude] if prelude else []
    for signature, body in functions:
        indented = "".join(f"    {line}\n" for line in body.splitlines())
        parts.append(f"{signature}\n    ### BEGIN SOLUTION\n{indented}    ### END SOLUTION\n")
    return "\n".join(parts)


def _unmarked(*functions: tuple[str, str], prelude: str = "") -> str:
    """The same cell as a learner uploads it, filled in."""
    parts = [prelude] if prelude else []
    for signature, body in functions:
        parts.append(signature + "\n" + "".join(f"    {line}\n" for line in body.splitlines()))
    return "\n".join(parts)


def test_a_test_cell_that_deletes_a_learner_name_then_restores_it(bwrap: BwrapSandbox) -> None:
    helper = ("def helper():", "return 2")
    uses_helper = ("def uses_helper():", "return helper() + 1")
    source = notebook(
        answer_cell(_marked(helper, uses_helper)),
        grade_cell(DELETE_AND_RESTORE, "test_delete", 1),
        grade_cell("assert uses_helper() == 3\nassert helper() == 2", "test_restored", 1),
    )
    honest = {"answer": _unmarked(helper, uses_helper)}
    reference, ours = _grade_both(bwrap, source, honest)
    assert reference == ours == {"test_delete": 1.0, "test_restored": 1.0}
    # A learner whose uses_helper does not call helper fails the first cell only.
    inlined = {"answer": _unmarked(helper, ("def uses_helper():", "return 3"))}
    reference, ours = _grade_both(bwrap, source, inlined)
    assert reference == ours == {"test_delete": 0.0, "test_restored": 1.0}


SPY = (
    "calls = []\n"
    "original = step\n"
    "def spy(value):\n"
    "    calls.append(value)\n"
    "    return original(value)\n"
    "step = spy\n"
    "try:\n"
    "    assert run(3) == 3\n"
    "finally:\n"
    "    step = original\n"
    "assert calls == [0, 1, 2]\n"
    "assert run(2) == 2 and calls == [0, 1, 2]\n"
)


def test_a_test_cell_that_replaces_a_learner_helper_with_a_spy_counts_its_calls(
    bwrap: BwrapSandbox,
) -> None:
    step = ("def step(value):", "return value + 1")
    run = (
        "def run(times):",
        "total = 0\nfor _ in range(times):\n    total = step(total)\nreturn total",
    )
    source = notebook(answer_cell(_marked(step, run)), grade_cell(SPY, "test_spy", 1))
    reference, ours = _grade_both(bwrap, source, {"answer": _unmarked(step, run)})
    assert reference == ours == {"test_spy": 1.0}
    # A run that never calls step gives the right total but leaves the spy's list empty.
    bypass = {"answer": _unmarked(step, ("def run(times):", "return times"))}
    reference, ours = _grade_both(bwrap, source, bypass)
    assert reference == ours == {"test_spy": 0.0}


def test_a_test_cell_reads_a_learner_global_after_a_learner_function_changed_it(
    bwrap: BwrapSandbox,
) -> None:
    bump = ("def bump():", "global counter\ncounter += 1\nreturn counter")
    source = notebook(
        answer_cell(_marked(bump, prelude="counter = 0\n")),
        grade_cell("bump()\nbump()\nassert counter == 2", "test_global", 1),
    )
    honest = {"answer": _unmarked(bump, prelude="counter = 0\n")}
    reference, ours = _grade_both(bwrap, source, honest)
    assert reference == ours == {"test_global": 1.0}
    # A bump that returns a number without keeping count fails.
    forgetful = {
        "answer": _unmarked(("def bump():", "return counter + 1"), prelude="counter = 0\n")
    }
    reference, ours = _grade_both(bwrap, source, forgetful)
    assert reference == ours == {"test_global": 0.0}
