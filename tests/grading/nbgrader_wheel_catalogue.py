"""Every notebook that ships inside the installed nbgrader wheel, sorted for the parity test.

Each notebook is either part of a (source, submission) pair that the parity test grades both
ways, or set aside with the reason it cannot take part (no automatically graded cell, or
metadata that nbgrader itself refuses). `unaccounted_notebooks()` lists any shipped notebook
that is neither, so a new nbgrader release that adds one fails the test instead of being missed.

The reference points come from nbgrader itself: `nbgrader generate_assignment` and `nbgrader
autograde` through its Python API, in a throwaway course directory, in one kernel per
submission, exactly as an instructor would run them. Only nbgrader's own fixture notebooks take
that path; no learner code does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import nbgrader
import nbgrader.api
from nbformat import NotebookNode

from tests.grading.nbgrader_child import in_child

NBGRADER_ROOT = Path(nbgrader.__file__).parent
USER_GUIDE = "docs/source/user_guide"
APP_FILES = "tests/apps/files"
PREPROCESSOR_FILES = "tests/preprocessors/files"
UI_FILES = "tests/ui-tests/files"
_ASK_ALEMBIC_HEAD = nbgrader.api.get_alembic_version


@dataclass(frozen=True)
class Source:
    """A source notebook as an author writes it, with what nbgrader needs beside it."""

    path: str
    autotests: str | None = None  # autotests.yml for `### AUTOTEST` directives
    data_files: tuple[str, ...] = ()  # files the notebook opens, copied beside each submission


@dataclass(frozen=True)
class Pair:
    source: Source
    submission: str

    @property
    def test_id(self) -> str:
        return f"{self.source.path} <- {self.submission}"


def _pairs(source: Source, *submissions: str) -> list[Pair]:
    return [Pair(source, submission) for submission in submissions]


_PS1 = Source(f"{USER_GUIDE}/source/ps1/problem1.ipynb")
_PS1_AUTOTEST = Source(
    f"{USER_GUIDE}/source/ps1_autotest/problem1.ipynb", autotests=f"{USER_GUIDE}/autotests.yml"
)
_APP_AUTOTESTS = f"{APP_FILES}/autotests.yml"


def _submitted_family(folder: str, *names: str) -> list[Pair]:
    """nbgrader's own tests use `submitted-unchanged.ipynb` as the source of this family."""
    source = Source(f"{folder}/submitted-unchanged.ipynb")
    return _pairs(source, *(f"{folder}/{name}.ipynb" for name in names))


def _autotest_family(name: str, *variants: str) -> list[Pair]:
    source = Source(f"{APP_FILES}/{name}.ipynb", autotests=_APP_AUTOTESTS)
    return _pairs(source, *(f"{APP_FILES}/{name}-{variant}.ipynb" for variant in variants))


def _itself(source: Source) -> list[Pair]:
    """The source notebook graded as its own submission (the author's solution), as nbgrader's
    tests do for notebooks that ship without separate submissions."""
    return [Pair(source, source.path)]


# Pairings follow nbgrader's own tests (tests/apps/test_nbgrader_autograde.py) and its docs'
# example course (source/, release/, submitted/<student>/, autograded/<student>/, downloaded/).
PAIRS: tuple[Pair, ...] = (
    *_pairs(
        _PS1,
        _PS1.path,
        f"{USER_GUIDE}/release/ps1/problem1.ipynb",
        f"{USER_GUIDE}/submitted/hacker/ps1/problem1.ipynb",
        f"{USER_GUIDE}/submitted/bitdiddle/ps1/problem1.ipynb",
        f"{USER_GUIDE}/autograded/hacker/ps1/problem1.ipynb",
        f"{USER_GUIDE}/autograded/bitdiddle/ps1/problem1.ipynb",
        f"{USER_GUIDE}/downloaded/ps1/archive/ps1_hacker_attempt_2016-01-30-20-30-10_problem1.ipynb",
    ),
    *_itself(_PS1_AUTOTEST),
    *_pairs(
        Source(f"{APP_FILES}/test.ipynb"),
        f"{APP_FILES}/test.ipynb",
        f"{APP_FILES}/test-with-output.ipynb",
        f"{APP_FILES}/test-v1.ipynb",
        f"{APP_FILES}/test-v2.ipynb",
    ),
    *_itself(Source(f"{APP_FILES}/test-hidden-tests.ipynb")),
    *_itself(Source(f"{APP_FILES}/test-v0.ipynb")),
    *_itself(Source(f"{APP_FILES}/test-v0-invalid.ipynb")),
    *_itself(Source(f"{PREPROCESSOR_FILES}/test.ipynb")),
    *_itself(Source(f"{PREPROCESSOR_FILES}/test_taskcell.ipynb")),
    *_submitted_family(
        APP_FILES,
        "submitted-unchanged",
        "submitted-changed",
        "submitted-cheat-attempt",
        "submitted-cheat-attempt-alternative",
        "submitted-grade-cell-changed",
        "submitted-locked-cell-changed",
    ),
    *_submitted_family(
        PREPROCESSOR_FILES,
        "submitted-unchanged",
        "submitted-changed",
        "submitted-grade-cell-changed",
        "submitted-locked-cell-changed",
        "submitted-grade-cell-type-changed",
        "submitted-answer-cell-type-changed",
    ),
    *_submitted_family(
        UI_FILES,
        "submitted-unchanged",
        "submitted-changed",
        "submitted-grade-cell-changed",
        "submitted-locked-cell-changed",
        "submitted-grade-cell-type-changed",
        "submitted-answer-cell-type-changed",
    ),
    *_autotest_family("autotest-simple", "unchanged", "changed"),
    *_autotest_family("autotest-hashed", "unchanged", "changed"),
    *_autotest_family("autotest-multi", "unchanged", "changed"),
    *_autotest_family("autotest-hidden", "unchanged", "changed-wrong", "changed-right"),
    *_itself(Source(f"{APP_FILES}/timeout.ipynb")),
    *_itself(Source(f"{APP_FILES}/validating-environment-variable.ipynb")),
    *_itself(Source(f"{APP_FILES}/validation-zero-points.ipynb")),
    *_itself(
        Source(f"{APP_FILES}/open_relative_file.ipynb", data_files=(f"{APP_FILES}/data.txt",))
    ),
    *_itself(Source(f"{UI_FILES}/open_relative_file.ipynb", data_files=(f"{APP_FILES}/data.txt",))),
)

NO_AUTOGRADED_CELL = "no automatically graded cell (no code cell with grade: true, solution: false)"

# Notebooks with automatically graded cells that nbgrader itself will not grade.
REFUSED_BY_NBGRADER: dict[str, str] = {
    f"{PREPROCESSOR_FILES}/blank-grade-id.ipynb": "a grade cell with an empty grade_id",
    f"{PREPROCESSOR_FILES}/blank-points.ipynb": "a grade cell without points",
    f"{PREPROCESSOR_FILES}/duplicate-grade-ids.ipynb": "two cells share a grade_id",
}


def relative(path: Path) -> str:
    return path.relative_to(NBGRADER_ROOT).as_posix()


def shipped_notebooks() -> list[str]:
    return sorted(relative(path) for path in NBGRADER_ROOT.rglob("*.ipynb"))


def read(path: str) -> NotebookNode:
    return nbformat.read(NBGRADER_ROOT / path, as_version=nbformat.NO_CONVERT)


def autograded_cell_ids(notebook: NotebookNode) -> list[str]:
    """Cells nbgrader scores by running them: code cells with grade and without solution.
    (A grade cell that is also a solution cell is graded by hand.)"""
    ids = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            ids.append(str(meta.get("grade_id")))
    return ids


def unaccounted_notebooks() -> list[str]:
    """Shipped notebooks with an automatically graded cell that no pair and no stated reason
    covers."""
    covered = {pair.source.path for pair in PAIRS} | {pair.submission for pair in PAIRS}
    return [
        path
        for path in shipped_notebooks()
        if path not in covered
        and path not in REFUSED_BY_NBGRADER
        and autograded_cell_ids(read(path))
    ]


def set_aside() -> dict[str, str]:
    """Every shipped notebook outside the pairs, with its reason."""
    covered = {pair.source.path for pair in PAIRS} | {pair.submission for pair in PAIRS}
    reasons: dict[str, str] = {}
    for path in shipped_notebooks():
        if path in covered:
            continue
        if path in REFUSED_BY_NBGRADER:
            reasons[path] = "refused by nbgrader: " + REFUSED_BY_NBGRADER[path]
        elif not autograded_cell_ids(read(path)):
            reasons[path] = NO_AUTOGRADED_CELL
    return reasons


@contextlib.contextmanager
def _course_directory() -> Iterator[Path]:
    """A throwaway nbgrader course directory, entered as the working directory, with this
    interpreter's scripts first on PATH (nbgrader's gradebook runs `alembic` as a program)."""
    saved_cwd = os.getcwd()
    saved_path = os.environ.get("PATH", "")
    saved_version = nbgrader.api.get_alembic_version
    course = Path(tempfile.mkdtemp(prefix="parity-course-"))
    try:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), saved_path])
        # Every gradebook opened asks a new `alembic heads` process for the schema head, a
        # constant of the installed nbgrader: asking once keeps the reference runs in budget.
        nbgrader.api.get_alembic_version = _alembic_head
        os.chdir(course)
        yield course
    finally:
        os.chdir(saved_cwd)
        os.environ["PATH"] = saved_path
        nbgrader.api.get_alembic_version = saved_version
        shutil.rmtree(course, ignore_errors=True)


@cache
def _alembic_head() -> str:
    return _ASK_ALEMBIC_HEAD()


def _copy_for_nbgrader(path: str, destination: Path) -> None:
    """Copy a notebook, upgrading metadata written for an older nbgrader the way `nbgrader
    update` does (nbgrader refuses to grade old metadata until an instructor runs it)."""
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.nbgraderformat import write as write_notebook

    notebook = read(path)
    versions = {
        cell.metadata["nbgrader"].get("schema_version", 0)
        for cell in notebook.cells
        if "nbgrader" in cell.get("metadata", {})
    }
    if versions - {MetadataValidator.schema_version}:
        write_notebook(MetadataValidator().upgrade_notebook_metadata(notebook), str(destination))
    else:
        shutil.copy(NBGRADER_ROOT / path, destination)


@dataclass(frozen=True)
class Reference:
    """nbgrader's automatic score per automatically graded cell for one submission, or why
    nbgrader gave none."""

    points: dict[str, float]
    error: str = ""


@cache
def nbgrader_points(source: Source) -> dict[str, Reference]:
    """nbgrader's automatic scores for every submission paired with `source`, by submission
    (computed in a child process, tests/grading/nbgrader_child.py)."""
    return in_child(_nbgrader_points_here, source)


def _nbgrader_points_here(source: Source) -> dict[str, Reference]:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.nbgraderformat import ValidationError
    from traitlets.config import Config

    submissions = [pair.submission for pair in PAIRS if pair.source == source]
    students = {submission: f"student{index}" for index, submission in enumerate(submissions)}
    with _course_directory() as course:
        assignment = course / "source" / "ps1"
        assignment.mkdir(parents=True)
        try:
            _copy_for_nbgrader(source.path, assignment / "p1.ipynb")
        except ValidationError as error:
            return dict.fromkeys(submissions, Reference({}, f"nbgrader update failed: {error}"))
        if source.autotests:
            shutil.copy(NBGRADER_ROOT / source.autotests, course / "autotests.yml")
        config = Config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.db_url = f"sqlite:///{course}/gradebook.db"
        config.Application.log_level = "ERROR"
        api = NbGraderAPI(config=config)
        generated = api.generate_assignment("ps1")
        if not generated["success"]:
            failure = Reference({}, f"generate_assignment failed:\n{generated.get('log', '')}")
            return dict.fromkeys(submissions, failure)
        for submission, student in students.items():
            folder = course / "submitted" / student / "ps1"
            folder.mkdir(parents=True)
            _copy_for_nbgrader(submission, folder / "p1.ipynb")
            for data_file in source.data_files:
                shutil.copy(NBGRADER_ROOT / data_file, folder / Path(data_file).name)
        references: dict[str, Reference] = {}
        autograded = set(autograded_cell_ids(read(source.path)))
        for submission, student in students.items():
            graded = api.autograde("ps1", student)
            if not graded["success"]:
                references[submission] = Reference({}, f"autograde failed:\n{graded.get('log')}")
                continue
            with Gradebook(config.CourseDirectory.db_url) as gradebook:
                notebook = gradebook.find_submission_notebook("p1", "ps1", student)
                references[submission] = Reference(
                    {
                        grade.name: float(grade.auto_score)
                        for grade in notebook.grades
                        if grade.name in autograded and grade.auto_score is not None
                    }
                )
    return references


def single_kernel_points(
    source: NotebookNode, answers: dict[str, str], *, strip_markers: bool = False
) -> dict[str, float]:
    """nbgrader's one-kernel semantics on a small notebook we wrote: the answers put into the
    source's answer cells (and, with `strip_markers`, the `### ` marker lines taken out of its
    other code cells), nbgrader's Execute preprocessor with NBGRADER_EXECUTION set as
    autograde sets it, nbgrader's determine_grade for each automatically graded cell. In a
    child process."""
    return in_child(_single_kernel_points_here, source, answers, strip_markers)


def _single_kernel_points_here(
    source: NotebookNode, answers: dict[str, str], strip_markers: bool
) -> dict[str, float]:
    import copy

    from nbgrader.preprocessors import Execute
    from nbgrader.utils import determine_grade, setenv

    filled = copy.deepcopy(source)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        elif strip_markers and cell.cell_type == "code":
            cell.source = "\n".join(line for line in cell.source.splitlines() if "### " not in line)
    with setenv(NBGRADER_EXECUTION="autograde"):
        executed, _ = Execute().preprocess(filled, {})
    autograded = set(autograded_cell_ids(executed))
    points: dict[str, float] = {}
    for cell in executed.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in autograded:
            score, _ = determine_grade(cell)
            points[grade_id] = float(score)
    return points


def nbgrader_generate_error(path: str) -> str:
    """What `nbgrader generate_assignment` reports for a source notebook ("" if it succeeds),
    in a child process."""
    return in_child(_nbgrader_generate_error_here, path)


def _nbgrader_generate_error_here(path: str) -> str:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    with _course_directory() as course:
        assignment = course / "source" / "ps1"
        assignment.mkdir(parents=True)
        shutil.copy(NBGRADER_ROOT / path, assignment / "p1.ipynb")
        config = Config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.db_url = f"sqlite:///{course}/gradebook.db"
        config.Application.log_level = "ERROR"
        generated = NbGraderAPI(config=config).generate_assignment("ps1")
        return "" if generated["success"] else str(generated.get("log", "")) or "failed"
