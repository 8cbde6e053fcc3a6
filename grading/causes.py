"""What went wrong first in the learner's sandbox, in the learner's words, as a notebook shows it.

A grading's failing tests often all follow from one thing: a syntax error (every test then meets
a NameError), the time limit, a print flood, running out of memory. The grader names that thing
first, with its value or its line, and the page folds the failures it caused under it
(grading/templates/grading/_run_result.html). Everything here reads the learner job's result and
the learner side's cell errors only: never a hidden test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sandbox import JobResult

EXITED_EARLY = (
    "Your code exited before the tests could use it (an exit call or a crash at the top level "
    "of your cell)."
)
# The learner side writes a cell's error as "Type: message (<cell ID>, line N)" (for a syntax
# error Python itself writes the place so). Learner code could forge it: it only ever decides
# which line of their own code the learner is pointed at.
_PLACE = re.compile(
    r"^(?P<type>\w+): (?P<message>.*) \(<cell (?P<cell>[^<>]+)>, line (?P<line>\d+)\)$"
)
_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


@dataclass(frozen=True)
class LearnerCellError:
    """An answer or setup cell that raised in the learner sandbox: its id, the error in one
    line, and the line of that cell it points at when known."""

    id: str
    error: str
    line: int | None = None


@dataclass(frozen=True)
class Cause:
    """What went wrong first, which the failing tests follow from: the learner job's end (kind
    "time-limit", "memory", "output-limit", "exit", "crash") or the first cell that raised
    ("syntax-error", "memory", "error"), with the line and that line's code when known."""

    kind: str
    summary: str
    cell_id: str = ""
    line: int | None = None
    code: str = ""


def learner_cell_error(*, cell_id: str, error: str) -> LearnerCellError:
    place = _PLACE.match(error)
    line = int(place["line"]) if place is not None and place["cell"] == cell_id else None
    return LearnerCellError(id=cell_id, error=error, line=line)


def _seconds(value: float) -> str:
    return f"{value:g} second{'' if value == 1 else 's'}"


def job_message(*, result: JobResult, learner_ready: bool, output_stop_bytes: int) -> str:
    """The learner job's end in one sentence ("" when it served the tests to the end)."""
    if result.output_truncated and not (result.timed_out or result.out_of_memory):
        return _flood(output_stop_bytes)
    if result.timed_out or result.out_of_memory or result.signal not in (None, 9):
        return result.explain()
    if not learner_ready:
        return EXITED_EARLY
    return ""


def _flood(output_stop_bytes: int) -> str:
    return f"Your code printed more than {output_stop_bytes // 1000} kB and was stopped."


def _job_cause(
    *, result: JobResult, wall_seconds: float, memory_mb: int, output_stop_bytes: int
) -> Cause | None:
    if result.timed_out:
        return Cause(
            kind="time-limit",
            summary="Your code was stopped because it ran longer than the time limit of "
            f"{_seconds(wall_seconds)}.",
        )
    if result.cpu_limit_exceeded:
        return Cause(
            kind="time-limit",
            summary="Your code was stopped because it used more CPU time than the limit of "
            f"{_seconds(wall_seconds)}.",
        )
    if result.out_of_memory:
        return Cause(
            kind="memory",
            summary="Your code was stopped because it used more memory than the limit of "
            f"{memory_mb} MB.",
        )
    if result.output_truncated:
        return Cause(kind="output-limit", summary=_flood(output_stop_bytes))
    if result.signal not in (None, 9):
        return Cause(kind="crash", summary=result.explain())
    return None


def _cell_cause(error: LearnerCellError, *, memory_mb: int, answers: Mapping[str, str]) -> Cause:
    place = _PLACE.match(error.error)
    kind_name, message = (place["type"], place["message"]) if place else ("", error.error)
    where = f" on line {error.line}" if error.line is not None else ""
    if kind_name in _SYNTAX_ERRORS:
        kind, summary = "syntax-error", f"Your code has a syntax error{where}: {message}."
    elif kind_name == "MemoryError" or error.error.startswith("MemoryError"):
        kind = "memory"
        summary = f"Your code ran out of memory{where} (the limit is {memory_mb} MB)."
    else:
        described = f"{kind_name}: {message}" if place else error.error
        kind, summary = "error", f"Your code raised {described}{where}."
    code = ""
    source = answers.get(error.id)
    if source is not None and error.line is not None:
        lines = source.splitlines()
        if 1 <= error.line <= len(lines):
            code = lines[error.line - 1]
    return Cause(kind=kind, summary=summary, cell_id=error.id, line=error.line, code=code)


def first_cause(
    *,
    result: JobResult,
    learner_ready: bool,
    errors: Sequence[LearnerCellError],
    answers: Mapping[str, str],
    wall_seconds: float,
    memory_mb: int,
    output_stop_bytes: int,
) -> Cause | None:
    """What went wrong first: the job's end if it was stopped, else its early exit, else the
    first cell that raised (in notebook order). None when the learner's code ran cleanly."""
    stopped = _job_cause(
        result=result,
        wall_seconds=wall_seconds,
        memory_mb=memory_mb,
        output_stop_bytes=output_stop_bytes,
    )
    if stopped is not None:
        return stopped
    if not learner_ready:
        return Cause(kind="exit", summary=EXITED_EARLY)
    if errors:
        return _cell_cause(errors[0], memory_mb=memory_mb, answers=answers)
    return None
