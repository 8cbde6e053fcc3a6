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

from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from sandbox import JobResult

EXITED_EARLY = gettext_noop(
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
    ("syntax-error", "memory", "error"), with the line and that line's code when known.

    `summary` is the sentence in English, as stored and as the API gives it. `reason`, `limit`
    and `error` are what the sentence is made of, so that a page says it in the reader's
    language (`text`); a cause stored before they were, or a crash (whose words are the
    sandbox's), reads as its summary."""

    kind: str
    summary: str
    cell_id: str = ""
    line: int | None = None
    code: str = ""
    reason: str = ""  # one of SENTENCES' keys, or "" for a sentence that is only the summary
    limit: float | None = None  # the limit the sentence names: seconds, MB or kB
    error: str = ""  # the learner's error as Python wrote it ("ZeroDivisionError: ...")

    @property
    def text(self) -> str:
        """The sentence in the active language."""
        if self.reason not in SENTENCES:
            return self.summary
        return sentence(reason=self.reason, limit=self.limit, error=self.error, line=self.line)


def _amount(value: float | None) -> str:
    """A limit as the reader writes numbers: 2, 2.5 or 2,5."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else formats.number_format(value)


def _seconds(value: float | None) -> str:
    # A plural form needs an integer; a fraction of a second reads as the plural does.
    count = int(value) if value is not None and float(value).is_integer() else 2
    return ngettext("%(amount)s second", "%(amount)s seconds", count) % {"amount": _amount(value)}


# The sentence of each reason, and the one it says when it knows the line (ON_LINE).
SENTENCES = {
    "wall-time": gettext_noop(
        "Your code was stopped because it ran longer than the time limit of %(seconds)s."
    ),
    "cpu-time": gettext_noop(
        "Your code was stopped because it used more CPU time than the limit of %(seconds)s."
    ),
    "job-memory": gettext_noop(
        "Your code was stopped because it used more memory than the limit of %(limit)s MB."
    ),
    "output": gettext_noop("Your code printed more than %(limit)s kB and was stopped."),
    "exited": EXITED_EARLY,
    "syntax": gettext_noop("Your code has a syntax error: %(error)s."),
    "cell-memory": gettext_noop("Your code ran out of memory (the limit is %(limit)s MB)."),
    "raised": gettext_noop("Your code raised %(error)s."),
}
ON_LINE = {
    "syntax": gettext_noop("Your code has a syntax error on line %(line)s: %(error)s."),
    "cell-memory": gettext_noop(
        "Your code ran out of memory on line %(line)s (the limit is %(limit)s MB)."
    ),
    "raised": gettext_noop("Your code raised %(error)s on line %(line)s."),
}


def sentence(*, reason: str, limit: float | None, error: str = "", line: int | None = None) -> str:
    """A cause's sentence in the active language."""
    template = gettext(
        ON_LINE[reason] if line is not None and reason in ON_LINE else SENTENCES[reason]
    )
    values = {"seconds": _seconds(limit), "limit": _amount(limit), "error": error, "line": line}
    return template % values


def _cause(
    *,
    kind: str,
    reason: str,
    limit: float | None = None,
    error: str = "",
    cell_id: str = "",
    line: int | None = None,
    code: str = "",
) -> Cause:
    """A cause whose summary is its sentence in English, whatever language is active."""
    with translation.override("en"):
        summary = sentence(reason=reason, limit=limit, error=error, line=line)
    return Cause(
        kind=kind,
        summary=summary,
        cell_id=cell_id,
        line=line,
        code=code,
        reason=reason,
        limit=limit,
        error=error,
    )


def learner_cell_error(*, cell_id: str, error: str) -> LearnerCellError:
    place = _PLACE.match(error)
    line = int(place["line"]) if place is not None and place["cell"] == cell_id else None
    return LearnerCellError(id=cell_id, error=error, line=line)


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
    with translation.override("en"):
        return sentence(reason="output", limit=output_stop_bytes // 1000)


def _job_cause(
    *, result: JobResult, wall_seconds: float, memory_mb: int, output_stop_bytes: int
) -> Cause | None:
    if result.timed_out:
        return _cause(kind="time-limit", reason="wall-time", limit=wall_seconds)
    if result.cpu_limit_exceeded:
        return _cause(kind="time-limit", reason="cpu-time", limit=wall_seconds)
    if result.out_of_memory:
        return _cause(kind="memory", reason="job-memory", limit=memory_mb)
    if result.output_truncated:
        return _cause(kind="output-limit", reason="output", limit=output_stop_bytes // 1000)
    if result.signal not in (None, 9):
        return Cause(kind="crash", summary=result.explain())
    return None


def _cell_cause(error: LearnerCellError, *, memory_mb: int, answers: Mapping[str, str]) -> Cause:
    place = _PLACE.match(error.error)
    kind_name, message = (place["type"], place["message"]) if place else ("", error.error)
    code = ""
    source = answers.get(error.id)
    if source is not None and error.line is not None:
        lines = source.splitlines()
        if 1 <= error.line <= len(lines):
            code = lines[error.line - 1]
    if kind_name in _SYNTAX_ERRORS:
        kind, reason, limit, said = "syntax-error", "syntax", None, message
    elif kind_name == "MemoryError" or error.error.startswith("MemoryError"):
        kind, reason, limit, said = "memory", "cell-memory", float(memory_mb), ""
    else:
        said = f"{kind_name}: {message}" if place else error.error
        kind, reason, limit = "error", "raised", None
    return _cause(
        kind=kind,
        reason=reason,
        limit=limit,
        error=said,
        cell_id=error.id,
        line=error.line,
        code=code,
    )


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
        return _cause(kind="exit", reason="exited")
    if errors:
        return _cell_cause(errors[0], memory_mb=memory_mb, answers=answers)
    return None
