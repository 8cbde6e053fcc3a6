"""Grading one submission: two sandboxes and the relay between them.

The learner sandbox runs the learner's cells and then answers requests; the test sandbox runs the
test cells against stand-ins for the learner's names. This process (the grader) carries each
request and answer across, bounded in size and time, and reads the verdict only from the test
sandbox, where learner code never ran. It never imports or executes learner code itself.

Every message from the learner's process is checked against the protocol's schema (by the relay,
grading/relay.py) before anything is built from it; a violation, like anything else the learner
can cause, ends as the learner's result (0 points and a plain reason). Only failures the learner
cannot cause raise GradingInfrastructureError, which the task retries.
"""

from __future__ import annotations

import functools
import io
import json
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from nbformat import NotebookNode

from grading.causes import Cause, LearnerCellError, first_cause, job_message, learner_cell_error
from grading.prepared import PreparedNotebook, notebook_prepare, split_submission
from grading.relay import LearnerProtocolError, Relay
from grading.scores import CellScore
from sandbox import Job, JobResult, Limits, Sandbox

INSIDE = Path(__file__).parent / "inside"
# nbgrader's autograde runs the kernel with this set; notebooks test for it (both sides see it).
NBGRADER_ENVIRONMENT = {"NBGRADER_EXECUTION": "autograde"}
LEARNER_OUTPUT_LIMIT = 20_000  # shown to the learner
LEARNER_OUTPUT_STOP = 1_000_000  # a job printing more is stopped
TESTER_MAPPED_MB = 1024  # the test sandbox's room for what its libraries map, beyond the limit
TESTER_MEMORY_MARGIN_MB = 512  # its address-space limit is this far below its memory limit


class GradingInfrastructureError(Exception):
    """The grader could not reach a verdict for reasons that are not the learner's (a broken
    test sandbox, a missing runtime). Celery retries these; everything else is a result."""


@dataclass(frozen=True)
class CellResult(CellScore):
    """One test cell as the grader scored it."""

    # Filled for hidden tests only, for the author's command line (`manage.py grade
    # --show-hidden`); never part of what a learner is shown.
    hidden_output: str = ""
    hidden_traceback: str = ""


@dataclass
class GradingOutcome:
    """Everything the grader learned, hidden tests included: what a learner may see of it is
    decided in one place, grading.feedback.feedback_from_outcome."""

    points: float
    max_points: float
    cells: list[CellResult]
    learner_output: str = ""
    message: str = ""
    learner_errors: list[LearnerCellError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # How the learner's code ended: "completed", "timed_out" or "out_of_memory" (the sandbox
    # stopped it, or the tests ran out of time or memory on what it answered), for the metrics.
    ending: str = "completed"
    cause: Cause | None = None


@dataclass(frozen=True)
class GradingLimits:
    wall_seconds: float = 30.0
    memory_mb: int = 1024
    processes: int = 64
    gpus: int = 0


@functools.cache
def _program(main: str, modules: tuple[str, ...]) -> bytes:
    """One side's program as a zip archive Python runs: `main`'s main() with the modules of
    grading/inside it imports, under the package name they use here."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        files = {
            "__main__.py": f"from grading.inside.{main} import main\nmain()\n".encode(),
            "grading/__init__.py": b"",
            **{
                f"grading/inside/{name}.py": (INSIDE / f"{name}.py").read_bytes()
                for name in ("__init__", *modules, main)
            },
        }
        for path, content in files.items():
            # A fixed date: the same sources make the same bytes in every worker.
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def _tester_limits(limits: GradingLimits) -> Limits:
    # The address-space limit sits below the memory limit: virtual memory is never less than
    # what is resident, so a blow-up from the learner's data is a MemoryError in one test cell
    # before the cgroup would kill the whole test sandbox (or, near its limit, evict the pages
    # of the libraries it runs and crawl). The extra GiB pays for what numpy and torch map
    # without using (about 700 MB); the margin for the page cache and the kernel's own memory.
    memory_mb = max(limits.memory_mb, 1024) + TESTER_MAPPED_MB
    return Limits(
        wall_seconds=limits.wall_seconds * 2 + 10,
        cpu_seconds=limits.wall_seconds * 2 + 10,
        memory_mb=memory_mb,
        processes=64,
        output_bytes=200_000,
        address_space_mb=memory_mb - TESTER_MEMORY_MARGIN_MB,
    )


def data_file_name(name: str) -> str:
    """`name` if it is a plain relative path inside the exercise's data folder, else ValueError
    (the importer refuses such names before they get here)."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(f"not a relative path inside the data folder: {name!r}")
    return str(path)


def grade_notebook(
    *,
    sandbox: Sandbox,
    source: NotebookNode | PreparedNotebook,
    answers: dict[str, str],
    limits: GradingLimits,
    profile: str = "python-cpu",
    seed: int = 0,
    data_files: Mapping[str, bytes] | None = None,
) -> GradingOutcome:
    """Grade `answers` (learner code per answer cell) against a source notebook. `seed` goes
    to the test sandbox only (test cells read it as GRADING_SEED); the learner never sees it.
    `data_files` (relative path -> bytes) are the exercise's files: both sandboxes find them
    in their working directory, as nbgrader's kernel finds them beside the notebook.

    `source` is an exercise's source notebook, or what the import prepared of it (the worker
    passes the Exercise's stored `PreparedNotebook`, so a grading derives nothing from the
    notebook itself)."""
    started = time.monotonic()
    prepared = source if isinstance(source, PreparedNotebook) else notebook_prepare(source)
    parts = split_submission(prepared, answers, cell_seconds=limits.wall_seconds)
    data = {f"data/{data_file_name(name)}": content for name, content in (data_files or {}).items()}
    learner_job = Job(
        command=("python", "-I", "/job/learner.pyz"),
        files={
            "learner.pyz": _program("learner", ("protocol", "cells")),
            "cells.json": json.dumps({"cells": parts.learner_cells}).encode(),
            **data,
        },
        profile=profile,
        limits=Limits(
            wall_seconds=limits.wall_seconds,
            cpu_seconds=limits.wall_seconds,
            memory_mb=limits.memory_mb,
            processes=limits.processes,
            output_bytes=LEARNER_OUTPUT_STOP,
            gpus=limits.gpus,
        ),
        environment=NBGRADER_ENVIRONMENT,
    )
    test_job = Job(
        command=("python", "-I", "/job/tester.pyz"),
        files={
            "tester.pyz": _program("tester", ("protocol", "schema", "stand_ins")),
            "tests.json": json.dumps({**parts.tests, "seed": int(seed)}).encode(),
            **data,
        },
        profile=profile,
        limits=_tester_limits(limits),
        environment=NBGRADER_ENVIRONMENT,
    )
    starting = time.monotonic()
    try:
        learner = sandbox.start(learner_job)
    except OSError as error:  # the job folder's disk full, a descriptor limit: retried
        raise GradingInfrastructureError(f"The sandbox could not start: {error}") from error
    learner_started = time.monotonic()
    try:
        tester = sandbox.start(test_job)
    except BaseException as error:
        learner.finish(kill=True)
        if isinstance(error, OSError):
            raise GradingInfrastructureError(f"The sandbox could not start: {error}") from error
        raise
    tester_started = time.monotonic()
    relay = Relay(learner, tester, limits.wall_seconds)
    violation = ""
    finishing = {"learner": False, "tester": False}
    try:
        try:
            relay.run()
        except LearnerProtocolError as error:
            violation = str(error)
        finishing["learner"] = True
        learner_result = learner.finish(kill=True)
        finishing["tester"] = True
        tester_result = tester.finish(kill=relay.verdict is None, wait_seconds=10)
    finally:
        # Whatever went wrong above, neither sandbox outlives the grading.
        if not finishing["learner"]:
            learner.finish(kill=True)
        if not finishing["tester"]:
            tester.finish(kill=True)
    output = _learner_output(learner_result, relay.visible_stderr)
    if violation:
        outcome = _zero_outcome(
            prepared,
            "Your code sent the grader something it does not accept, so nothing was graded: "
            + violation
            + ".",
            output,
        )
    elif relay.verdict is None:
        outcome = _zero_outcome(prepared, _tester_failure(tester_result, relay), output)
    else:
        outcome = _outcome(
            prepared, relay.verdict, relay.ready or {}, learner_result, output, answers, limits
        )
    outcome.timings = {
        **relay.timings,
        "learner_start": learner_started - starting,
        "tester_start": tester_started - learner_started,
        "total": time.monotonic() - started,
    }
    outcome.ending = _ending(learner_result, tester_result, relay)
    return outcome


def _ending(learner_result: JobResult, tester_result: JobResult, relay: Relay) -> str:
    if learner_result.timed_out or learner_result.cpu_limit_exceeded:
        return "timed_out"
    if learner_result.out_of_memory:
        return "out_of_memory"
    if tester_result.timed_out or relay.tester_failure == "timeout":
        return "timed_out"
    if tester_result.out_of_memory:
        return "out_of_memory"
    return "completed"


def _tester_failure(result: JobResult, relay: Relay) -> str:
    """Why the test sandbox gave no verdict, as the learner's result when the learner could
    have caused it (the tests ran out of time or memory on what learner code answered).
    Anything else is the grader's own failure, retried."""
    if relay.tester_failure == "timeout" or result.timed_out:
        return (
            "The tests could not finish in time with your code's answers (for example very "
            "large values, or code that calls back into the tests too often)."
        )
    if result.out_of_memory or result.cpu_limit_exceeded or result.signal is not None:
        return (
            "The tests ran out of memory or time on your code's answers (for example values "
            "far larger than the exercise asks for)."
        )
    raise GradingInfrastructureError(
        "The test sandbox ended without a verdict: "
        + result.stderr.decode("utf-8", "replace")[-2000:]
        + _describe(result)
    )


def _describe(result: JobResult) -> str:
    return f" ({result.explain()})"


def _learner_output(result: JobResult, visible_bytes: int | None) -> str:
    """The learner's printed output up to the first hidden test: what learner code prints
    while hidden tests call it would show their inputs."""
    data = result.stderr if visible_bytes is None else result.stderr[:visible_bytes]
    output = data.decode("utf-8", "replace")
    if len(output) > LEARNER_OUTPUT_LIMIT:
        output = output[:LEARNER_OUTPUT_LIMIT] + "\n[output cut]"
    return output


def _zero_outcome(prepared: PreparedNotebook, message: str, output: str) -> GradingOutcome:
    cells = [
        CellResult(
            grade_id=cell.grade_id,
            points=0.0,
            max_points=cell.points,
            passed=False,
            hidden=cell.hidden,
        )
        for cell in prepared.tests
    ]
    return GradingOutcome(
        points=0.0,
        max_points=sum(cell.max_points for cell in cells),
        cells=cells,
        learner_output=output,
        message=message,
    )


def _outcome(
    prepared: PreparedNotebook,
    verdict: Mapping[str, Any],
    ready: Mapping[str, Any],
    learner_result: JobResult,
    output: str,
    answers: Mapping[str, str],
    limits: GradingLimits,
) -> GradingOutcome:
    by_id = {
        str(item.get("id")): item for item in verdict.get("verdict", []) if isinstance(item, dict)
    }
    statuses = {
        str(item.get("id")): item
        for item in ready.get("cells", [])
        if isinstance(item, dict) and item.get("id") is not None
    }
    cells: list[CellResult] = []
    for cell in prepared.cells:
        if cell.kind == "test":
            item = by_id.get(cell.grade_id, {})
            passed = item.get("passed") is True
            reported = item.get("points")
            points = float(reported) if isinstance(reported, (int, float)) else 0.0
            cells.append(
                CellResult(
                    grade_id=cell.grade_id,
                    points=min(max(points, 0.0), cell.points) if passed else 0.0,
                    max_points=cell.points,
                    passed=passed,
                    hidden=cell.hidden,
                    # The test sandbox reports a hidden test's output under its own keys
                    # (protocol.TestResult); what a learner sees is decided in grading.feedback.
                    output=str(item.get("output", ""))[:20_000],
                    traceback=str(item.get("traceback", ""))[:8_000],
                    hidden_output=str(item.get("hidden_output", ""))[:20_000],
                    hidden_traceback=str(item.get("hidden_traceback", ""))[:8_000],
                )
            )
    learner_errors = [
        learner_cell_error(cell_id=cell_id, error=str(item.get("error", ""))[:2000])
        for cell_id, item in statuses.items()
        if item.get("ok") is False
    ]
    learner_ready = bool(verdict.get("learner_ready"))
    message = job_message(
        result=learner_result, learner_ready=learner_ready, output_stop_bytes=LEARNER_OUTPUT_STOP
    )
    cause = first_cause(
        result=learner_result,
        learner_ready=learner_ready,
        errors=learner_errors,
        answers=answers,
        wall_seconds=limits.wall_seconds,
        memory_mb=limits.memory_mb,
        output_stop_bytes=LEARNER_OUTPUT_STOP,
    )
    return GradingOutcome(
        points=sum(cell.points for cell in cells),
        max_points=sum(cell.max_points for cell in cells),
        cells=cells,
        learner_output=output,
        message=message,
        learner_errors=learner_errors,
        cause=cause,
    )
