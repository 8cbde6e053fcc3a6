"""Exercise hints: read from exercise.yaml at import, rendered once, and shown one at a time.

A hint is markdown text, or a mapping `{text: ..., solution: true}` for a hint that is meant to
give the whole solution away (the page then calls it the solution). A hint that holds every
line of the reference solution without that marker is an import error: the last hint must not
quietly be the answer. Stored as `{"text", "html", "solution"}`; rows imported before this
format hold plain strings, which read as unmarked hints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nbformat import NotebookNode

from grading.notebooks import BEGIN_SOLUTION, END_SOLUTION, classify


@dataclass(frozen=True)
class Hint:
    number: int
    html: str
    is_solution: bool


def _solution_lines(source: NotebookNode) -> list[list[str]]:
    """Per answer cell, the reference solution's meaningful lines (between the markers,
    stripped, without blank and comment lines)."""
    solutions = []
    for cell in classify(source).answers:
        inside = False
        lines = []
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped == BEGIN_SOLUTION:
                inside = True
            elif stripped == END_SOLUTION:
                inside = False
            elif inside and stripped and not stripped.startswith("#"):
                lines.append(stripped)
        if lines:
            solutions.append(lines)
    return solutions


def gives_solution_away(text: str, source: NotebookNode) -> bool:
    """Whether a hint holds every line of some answer cell's reference solution."""
    hint_lines = {line.strip() for line in text.splitlines()}
    return any(all(line in hint_lines for line in lines) for lines in _solution_lines(source))


def hints_from_meta(
    value: Any, *, source: NotebookNode, render: Callable[[str], str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The stored hints of an exercise.yaml `hints` value, and what is wrong with it."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], ["hints must be a list"]
    hints: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, item in enumerate(value, start=1):
        if isinstance(item, str):
            text, solution = item, False
        elif (
            isinstance(item, dict)
            and isinstance(item.get("text"), str)
            and isinstance(item.get("solution", False), bool)
            and set(item) <= {"text", "solution"}
        ):
            text, solution = item["text"], bool(item.get("solution", False))
        else:
            errors.append(f"hint {number} must be text or {{text: ..., solution: true}}")
            continue
        if not solution and gives_solution_away(text, source):
            errors.append(
                f"hint {number} gives away the whole solution; if that is meant, write it as "
                "{text: ..., solution: true} so the page says so"
            )
        hints.append({"text": text, "html": render(text), "solution": solution})
    return hints, errors


def hints_shown(stored: list[Any], *, revealed: int, render: Callable[[str], str]) -> list[Hint]:
    """The first `revealed` hints as the page shows them."""
    shown = []
    for number, item in enumerate(stored[:revealed], start=1):
        if isinstance(item, dict):
            shown.append(Hint(number, str(item.get("html", "")), bool(item.get("solution"))))
        else:
            shown.append(Hint(number, render(str(item)), False))
    return shown


def next_hint_is_solution(stored: list[Any], *, revealed: int) -> bool:
    if revealed >= len(stored):
        return False
    item = stored[revealed]
    return isinstance(item, dict) and bool(item.get("solution"))
