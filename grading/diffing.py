"""A line diff of two submissions' code, for the "compare" page: rows a table can show with
line numbers on both sides, made by difflib on the server (no script needed to read it)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

RowKind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class DiffRow:
    kind: RowKind
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True)
class CellDiff:
    grade_id: str
    rows: tuple[DiffRow, ...]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _cell_rows(old: str, new: str) -> tuple[DiffRow, ...]:
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(old_end - old_start):
                rows.append(
                    DiffRow(
                        "same",
                        old_start + offset + 1,
                        new_start + offset + 1,
                        old_lines[old_start + offset],
                    )
                )
            continue
        # A replaced block reads as its old lines, then its new ones.
        for number in range(old_start, old_end):
            rows.append(DiffRow("removed", number + 1, None, old_lines[number]))
        for number in range(new_start, new_end):
            rows.append(DiffRow("added", None, number + 1, new_lines[number]))
    return tuple(rows)


def code_diff(*, old: dict[str, str], new: dict[str, str]) -> list[CellDiff]:
    """Per answer cell (in the order of `old`, then cells only `new` has), the rows that turn
    `old`'s code into `new`'s."""
    cells = [*old, *(key for key in new if key not in old)]
    diffs = []
    for grade_id in cells:
        rows = _cell_rows(old.get(grade_id, ""), new.get(grade_id, ""))
        diffs.append(
            CellDiff(
                grade_id=grade_id,
                rows=rows,
                added=sum(1 for row in rows if row.kind == "added"),
                removed=sum(1 for row in rows if row.kind == "removed"),
            )
        )
    return diffs
