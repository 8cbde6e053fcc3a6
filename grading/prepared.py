"""What grading needs of an exercise's notebook, prepared once from its source at import.

Grading a submission needs the source notebook's code cells sorted into setup, answer and test
cells, and each answer cell's stub from the release notebook (for an answer the learner sent
none for). Both depend only on the exercise, so the importer computes them (`notebook_prepare`:
nbgrader's preprocessors and `classify`) and stores them on the Exercise; each grading reads
them back (`PreparedNotebook.from_stored`) and splits the submission for the two sandboxes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nbformat import NotebookNode

from grading.notebooks import (
    CODE_STUB,
    Cell,
    SortedCells,
    classify,
    declared_names,
    release_notebook,
    source_without_markers,
    starter_answers,
)


@dataclass(frozen=True)
class PreparedNotebook(SortedCells):
    """The source notebook's code cells in notebook order, and the release stub of each answer
    cell (answer grade_id -> code)."""

    cells: tuple[Cell, ...]
    stubs: dict[str, str]

    def stored_cells(self) -> list[dict[str, Any]]:
        """The cells as the Exercise stores them (a JSON list, in notebook order)."""
        return [
            {
                "grade_id": cell.grade_id,
                "kind": cell.kind,
                "source": cell.source,
                "points": cell.points,
                "hidden": cell.hidden,
            }
            for cell in self.cells
        ]

    @classmethod
    def from_stored(
        cls, *, cells: Sequence[Mapping[str, Any]], stubs: Mapping[str, str]
    ) -> PreparedNotebook:
        """Back from an Exercise's `cells` and `starter_code`."""
        return cls(
            cells=tuple(
                Cell(
                    grade_id=str(cell["grade_id"]),
                    kind=str(cell["kind"]),
                    source=str(cell["source"]),
                    points=float(cell["points"]),
                    hidden=bool(cell["hidden"]),
                )
                for cell in cells
            ),
            stubs=dict(stubs),
        )


def notebook_prepare(source: NotebookNode, release: NotebookNode | None = None) -> PreparedNotebook:
    """Compute what grading needs from a source notebook (and its release version, made here
    by nbgrader's preprocessors unless the caller has made it already)."""
    if release is None:
        release = release_notebook(source)
    return PreparedNotebook(cells=classify(source).cells, stubs=starter_answers(release))


@dataclass
class SubmissionParts:
    """A submission split for the two sandboxes."""

    learner_cells: list[dict[str, str]]
    tests: dict[str, Any]
    edited_locked_cells: list[str] = field(default_factory=list)


def split_submission(
    prepared: PreparedNotebook, answers: Mapping[str, str], *, cell_seconds: float
) -> SubmissionParts:
    """Learner sandbox: setup cells and the learner's answers, in notebook order (never a test).
    Test sandbox: setup cells and all test cells, hidden ones included."""
    stubs = prepared.stubs
    learner_cells: list[dict[str, str]] = []
    setup: list[dict[str, Any]] = []
    tests: list[dict[str, Any]] = []
    declared: list[str] = []
    for cell in prepared.cells:
        if cell.kind == "setup":
            learner_cells.append({"id": cell.grade_id, "kind": "setup", "source": cell.source})
            setup.append({"id": cell.grade_id, "source": cell.source})
        elif cell.kind == "answer":
            code = answers.get(cell.grade_id, stubs.get(cell.grade_id, CODE_STUB))
            learner_cells.append({"id": cell.grade_id, "kind": "answer", "source": code})
            declared.extend(declared_names(stubs.get(cell.grade_id, "")))
        else:
            tests.append(
                {
                    "id": cell.grade_id,
                    "source": source_without_markers(cell.source),
                    "points": cell.points,
                    "hidden": cell.hidden,
                }
            )
    return SubmissionParts(
        learner_cells=learner_cells,
        tests={"setup": setup, "tests": tests, "declared": declared, "cell_seconds": cell_seconds},
    )
