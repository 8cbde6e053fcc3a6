"""Running the learner's notebook cells as a kernel would, and their errors as a notebook shows
them: tracebacks with the cells' own frames and lines only, never this program's files.

Runs inside the learner sandbox, part of /job/learner.pyz with `learner.py`.
"""

import linecache
import sys
import traceback

MAX_REPR = 2000


def run_cell(cell: dict[str, str], namespace: dict[str, object]) -> str | None:
    """Run one cell; None, or the error it raised in one line. Its traceback goes to stderr
    (what the learner sees printed) with the cells' own frames only, as a notebook shows it."""
    filename = f"<cell {cell['id']}>"
    source = cell["source"]
    # Tracebacks then quote the learner's own lines, as a kernel's do.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    try:
        code = compile(source, filename, "exec")
        exec(code, namespace)
    except BaseException as error:  # noqa: BLE001 - SystemExit too: the next cell still runs
        print(cell_traceback(error) + error_line(error), file=sys.stderr)
        described = f"{type(error).__name__}: {error}"
        line = cell_line(error, filename)
        if line is not None and not isinstance(error, SyntaxError):
            # A syntax error names its place itself; the grader reads the line from here.
            described += f" ({filename}, line {line})"
        return described[:MAX_REPR]
    return None


def cell_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of an error's traceback that are in the learner's (or setup) cells: never
    this program's own files."""
    return [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith("<cell ")
    ]


def cell_traceback(error: BaseException) -> str:
    """The frames in the cells, formatted as a traceback's body, with its heading."""
    frames = cell_frames(error)
    if not frames:
        return ""
    return "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames))


def error_line(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error))


def cell_line(error: BaseException, filename: str) -> int | None:
    """The line of cell `filename` the error points at: a syntax error's own, else the last
    frame in that cell."""
    if isinstance(error, SyntaxError) and error.filename == filename:
        return error.lineno
    lines = [frame.lineno for frame in cell_frames(error) if frame.filename == filename]
    return lines[-1] if lines else None
