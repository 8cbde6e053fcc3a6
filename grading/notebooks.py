"""nbgrader source notebooks: validation, the release version, the cells sorted into setup,
answer and test cells, and the answers taken from a learner's upload (`grading.prepared` splits a
submission for the two sandboxes).

The release notebook is made by nbgrader's own preprocessors. Everything else here works on the
cell metadata nbgrader defines (`metadata.nbgrader`: grade, solution, locked, points, grade_id).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import NotebookNode

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
ANSWER_MARKER = re.compile(r"^# %% answer: ([A-Za-z0-9_.-]+)\s*$", re.MULTILINE)
MAX_NOTEBOOK_BYTES = 2 * 1024 * 1024
MAX_ANSWER_BYTES = 100 * 1024


class NotebookError(ValueError):
    """A notebook that cannot be used, with a message fit for its author or the learner."""


@dataclass(frozen=True)
class Cell:
    grade_id: str
    kind: str  # "setup" | "answer" | "test"
    source: str
    points: float = 0.0
    hidden: bool = False


class SortedCells:
    """The answer and test cells among a notebook's `cells` (sorted by `classify`)."""

    cells: tuple[Cell, ...]

    @property
    def answers(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.kind == "answer"]

    @property
    def tests(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.kind == "test"]


@dataclass(frozen=True)
class ExerciseNotebook(SortedCells):
    cells: tuple[Cell, ...]
    statement: str = ""

    @property
    def max_points(self) -> float:
        """Automatically graded points. Answer cells that carry points are graded by hand in
        nbgrader (autograde gives them no score), so they are not counted here."""
        return sum(cell.points for cell in self.tests)


def read_notebook(data: bytes | str) -> NotebookNode:
    """Parse a notebook (an upload or an author's file) and check the shape of every cell.

    nbformat only warns about a cell whose `source` is a number or whose ids are lists, and the
    code that reads cells would then fail deep inside: the shape is checked here, before and
    after nbformat's conversion, so any such notebook is a NotebookError naming the cell.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_NOTEBOOK_BYTES:
            raise NotebookError("The notebook is larger than 2 MB.")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NotebookError("The notebook is not UTF-8 text.") from None
    try:
        _check_shape(json.loads(data))
    except (ValueError, RecursionError) as error:
        raise NotebookError(f"The file is not a Jupyter notebook: {error}") from None
    try:
        notebook: NotebookNode = nbformat.reads(data, as_version=4)
    except (ValueError, json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        raise NotebookError(f"The file is not a Jupyter notebook: {error}") from None
    except Exception as error:  # nbformat raises several private error types
        raise NotebookError(f"The notebook cannot be read: {error}") from None
    _check_shape(notebook)
    return notebook


def _malformed(where: str, problem: str) -> NotebookError:
    return NotebookError(f"The notebook is malformed: {where}: {problem}.")


def _check_shape(data: Any) -> None:
    """The types every later step relies on, for a notebook as parsed JSON (version 4: an
    older notebook, with `worksheets`, is checked after nbformat has converted it)."""
    if not isinstance(data, dict):
        raise NotebookError("The file is not a Jupyter notebook: it is not a JSON object.")
    if "cells" not in data and "worksheets" in data:
        return
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise _malformed("the notebook", "`cells` must be a list of cells")
    for index, cell in enumerate(cells, start=1):
        where = f"cell {index}"
        if not isinstance(cell, dict):
            raise _malformed(where, "a cell must be a JSON object")
        if not isinstance(cell.get("cell_type"), str):
            raise _malformed(where, "`cell_type` must be text")
        source = cell.get("source", "")
        if not (
            isinstance(source, str)
            or isinstance(source, list)
            and all(isinstance(line, str) for line in source)
        ):
            raise _malformed(where, "`source` must be text (a string or a list of strings)")
        if "id" in cell and not isinstance(cell["id"], str):
            raise _malformed(where, "the cell `id` must be a string")
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict):
            raise _malformed(where, "`metadata` must be a JSON object")
        nbgrader = metadata.get("nbgrader", {})
        if not isinstance(nbgrader, dict):
            raise _malformed(where, "`metadata.nbgrader` must be a JSON object")
        grade_id = nbgrader.get("grade_id")
        if grade_id is not None and not isinstance(grade_id, str):
            raise _malformed(where, "the nbgrader `grade_id` must be a string")


def code_problem(code: str) -> str | None:
    """Why learner code cannot be stored as text (PostgreSQL refuses NUL and lone surrogates),
    or None."""
    if "\x00" in code:
        return "contains a NUL character"
    try:
        code.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (a broken character)"
    return None


def notebook_from_json(data: dict[str, Any]) -> NotebookNode:
    """A notebook stored in a JSONField, back as a NotebookNode."""
    return read_notebook(json.dumps(data))


def nbgrader_metadata(cell: NotebookNode) -> dict[str, Any]:
    metadata = cell.get("metadata", {}).get("nbgrader", {})
    return dict(metadata) if isinstance(metadata, dict) else {}


def classify(notebook: NotebookNode) -> ExerciseNotebook:
    """Sort a source notebook's code cells into setup, answer and test cells."""
    cells: list[Cell] = []
    statement: list[str] = []
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_metadata(cell)
        if cell.cell_type == "markdown":
            if not meta.get("solution"):
                statement.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        grade_id = str(meta.get("grade_id") or f"cell-{index}")
        if meta.get("solution"):
            points = float(meta.get("points") or 0) if meta.get("grade") else 0.0
            cells.append(Cell(grade_id, "answer", cell.source, points))
        elif meta.get("grade"):
            hidden = BEGIN_HIDDEN in cell.source
            cells.append(
                Cell(grade_id, "test", cell.source, float(meta.get("points") or 0), hidden)
            )
        else:
            cells.append(Cell(grade_id, "setup", cell.source))
    return ExerciseNotebook(tuple(cells), "\n\n".join(statement))


def validate_source(notebook: NotebookNode) -> list[str]:
    """Everything wrong with a source notebook, as messages naming the cell."""
    # nbgrader's preprocessors cost 1-3 s to import; only the import of a course (and
    # `manage.py grade --source`) needs them, never a web process or a grading worker.
    from nbgrader.preprocessors import CheckCellMetadata

    errors: list[str] = []
    try:
        CheckCellMetadata().preprocess(copy.deepcopy(notebook), {})
    except Exception as error:  # nbgrader raises ValueError and its own validation errors
        errors.append(f"nbgrader metadata: {error}")
    seen: set[str] = set()
    exercise = classify(notebook)
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_metadata(cell)
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        where = f"cell {index + 1} ({grade_id or 'no grade_id'})"
        if (meta.get("grade") or meta.get("solution") or meta.get("locked")) and not grade_id:
            errors.append(f"{where}: nbgrader cells need a grade_id")
        if grade_id in seen:
            errors.append(f"{where}: grade_id {grade_id!r} is used twice")
        seen.add(str(grade_id))
        if cell.cell_type != "code":
            continue
        source = cell.source
        if meta.get("grade") and not meta.get("solution"):
            points = meta.get("points")
            if not isinstance(points, (int, float)) or points <= 0:
                errors.append(f"{where}: a test cell needs points greater than 0")
            if source.count(BEGIN_HIDDEN) != source.count(END_HIDDEN):
                errors.append(f"{where}: unbalanced {BEGIN_HIDDEN} / {END_HIDDEN}")
        if meta.get("solution") and source.count(BEGIN_SOLUTION) != source.count(END_SOLUTION):
            errors.append(f"{where}: unbalanced {BEGIN_SOLUTION} / {END_SOLUTION}")
        try:
            ast.parse(source_without_markers(source))
        except SyntaxError as error:
            errors.append(f"{where}: line {error.lineno}: syntax error: {error.msg}")
    if not exercise.answers:
        errors.append("the notebook has no answer cell (nbgrader solution: true)")
    if not exercise.tests:
        errors.append("the notebook has no test cell (nbgrader grade: true, with points)")
    return errors


def source_without_markers(source: str) -> str:
    lines = [
        line
        for line in source.splitlines()
        if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)
    ]
    return "\n".join(lines)


def release_notebook(source: NotebookNode) -> NotebookNode:
    """The student version, made by nbgrader's preprocessors: no solutions, no hidden tests,
    no outputs, locked cells marked, checksums recorded."""
    # nbgrader's preprocessors cost 1-3 s to import; only the import of a course (and
    # `manage.py grade --source`) needs them, never a web process or a grading worker.
    from nbgrader.preprocessors import (
        ClearHiddenTests,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    notebook = copy.deepcopy(source)
    resources: dict[str, Any] = {}
    for preprocessor in (
        ClearSolutions(code_stub={"python": CODE_STUB}, enforce_metadata=True),
        ClearHiddenTests(enforce_metadata=True),
        ClearOutput(),
        LockCells(),
        ComputeChecksums(),
    ):
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return notebook


def reference_answers(source: NotebookNode) -> dict[str, str]:
    """The author's solution for each answer cell, markers removed (for checks, never shown)."""
    return {cell.grade_id: source_without_markers(cell.source) for cell in classify(source).answers}


def starter_answers(release: NotebookNode) -> dict[str, str]:
    return {cell.grade_id: cell.source for cell in classify(release).answers}


def declared_names(stub: str) -> list[str]:
    """Names the starter code defines at top level: the learner is meant to provide them."""
    try:
        tree = ast.parse(stub)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def answers_from_python(text: str, answer_ids: list[str]) -> dict[str, str]:
    """A .py submission: the whole file for a single answer cell, or sections headed
    `# %% answer: <grade_id>` for several."""
    problem = code_problem(text)
    if problem is not None:
        raise NotebookError(f"The code {problem}.")
    if len(text.encode("utf-8")) > MAX_ANSWER_BYTES:
        raise NotebookError("The code is larger than 100 KB.")
    markers = list(ANSWER_MARKER.finditer(text))
    if not markers:
        if len(answer_ids) != 1:
            raise NotebookError(
                "This exercise has several answer cells: head each part with "
                "'# %% answer: <cell id>' (" + ", ".join(answer_ids) + ")."
            )
        return {answer_ids[0]: text}
    answers: dict[str, str] = {}
    for position, marker in enumerate(markers):
        end = markers[position + 1].start() if position + 1 < len(markers) else len(text)
        grade_id = marker.group(1)
        if grade_id not in answer_ids:
            raise NotebookError(f"Unknown answer cell {grade_id!r}.")
        answers[grade_id] = text[marker.end() : end].strip("\n") + "\n"
    return answers


def answers_from_notebook(
    uploaded: NotebookNode, release: NotebookNode
) -> tuple[dict[str, str], list[str]]:
    """Take only the answer cells from a filled-in release notebook. Every other cell comes from
    the source at grading time; locked cells the learner edited are reported, never used."""
    released = classify(release)
    expected = {cell.grade_id: cell for cell in released.cells}
    answers: dict[str, str] = {}
    edited: list[str] = []
    for cell in uploaded.cells:
        meta = nbgrader_metadata(cell)
        grade_id = meta.get("grade_id")
        if not grade_id or grade_id not in expected or cell.cell_type != "code":
            continue
        original = expected[grade_id]
        if original.kind == "answer":
            answers[grade_id] = cell.source
        elif cell.source.strip() != original.source.strip():
            edited.append(grade_id)
    missing = [cell.grade_id for cell in released.answers if cell.grade_id not in answers]
    if missing:
        raise NotebookError(
            "The notebook lacks the answer cell(s) "
            + ", ".join(missing)
            + ": upload the notebook downloaded from this exercise, filled in."
        )
    for grade_id, code in answers.items():
        problem = code_problem(code)
        if problem is not None:
            raise NotebookError(f"The answer cell {grade_id} {problem}.")
        if len(code.encode("utf-8")) > MAX_ANSWER_BYTES:
            raise NotebookError(f"The answer cell {grade_id} is larger than 100 KB.")
    return answers, edited
