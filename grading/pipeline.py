"""Grading one submission: two sandboxes and the relay between them.

The learner sandbox runs the learner's cells and then answers requests; the test sandbox runs the
test cells against stand-ins for the learner's names. This process (the grader) carries each
request and answer across, bounded in size and time, and reads the verdict only from the test
sandbox, where learner code never ran. It never imports or executes learner code itself.
"""

from __future__ import annotations

import json
import os
import selectors
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from grading.notebooks import classify, split_submission
from sandbox import Job, JobResult, Limits, RunningJob, Sandbox

HARNESS = Path(__file__).parent / "harness"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
LEARNER_OUTPUT_LIMIT = 20_000  # shown to the learner
LEARNER_OUTPUT_STOP = 1_000_000  # a job printing more is stopped


class GradingInfrastructureError(Exception):
    """The grader could not reach a verdict for reasons that are not the learner's (a broken
    test sandbox, a missing runtime). Celery retries these; everything else is a result."""


@dataclass
class CellResult:
    grade_id: str
    points: float
    max_points: float
    passed: bool
    hidden: bool
    output: str = ""
    traceback: str = ""


@dataclass
class GradingOutcome:
    points: float
    max_points: float
    cells: list[CellResult]
    learner_output: str = ""
    message: str = ""
    learner_errors: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GradingLimits:
    wall_seconds: float = 30.0
    memory_mb: int = 1024
    processes: int = 64
    gpus: int = 0


class LineReader:
    """Reads newline-terminated messages from a pipe with a deadline and a size bound."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.closed = False
        os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(fd, selectors.EVENT_READ)

    def readline(self, deadline: float) -> bytes | None:
        """One line, or None on end of file, timeout or an oversized line."""
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self.buffer[: newline + 1])
                del self.buffer[: newline + 1]
                return line
            if self.closed or len(self.buffer) > MAX_MESSAGE_BYTES:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.selector.select(remaining):
                return None
            try:
                data = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self.closed = True
            self.buffer += data

    def close(self) -> None:
        self.selector.close()


def _write(running: RunningJob, data: bytes) -> bool:
    try:
        os.set_blocking(running.stdin_fd, True)
        view = memoryview(data)
        while view:
            written = os.write(running.stdin_fd, view)
            view = view[written:]
        return True
    except OSError:
        return False


def _unavailable(sequence: Any, message: str) -> bytes:
    reply = {"seq": sequence, "ok": False, "error": {"type": "Unavailable", "message": message}}
    return (json.dumps(reply) + "\n").encode()


def _harness_files() -> dict[str, bytes]:
    return {
        name: (HARNESS / name).read_bytes()
        for name in ("wire.py", "learner_side.py", "test_side.py")
    }


def grade_notebook(
    *,
    sandbox: Sandbox,
    source: NotebookNode,
    answers: dict[str, str],
    limits: GradingLimits,
    profile: str = "python-cpu",
) -> GradingOutcome:
    """Grade `answers` (learner code per answer cell) against a source notebook."""
    started = time.monotonic()
    parts = split_submission(source, answers, cell_seconds=limits.wall_seconds)
    harness = _harness_files()
    learner_job = Job(
        command=("python", "-I", "/job/learner_side.py"),
        files={
            "wire.py": harness["wire.py"],
            "learner_side.py": harness["learner_side.py"],
            "cells.json": json.dumps({"cells": parts.learner_cells}).encode(),
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
    )
    test_job = Job(
        command=("python", "-I", "/job/test_side.py"),
        files={
            "wire.py": harness["wire.py"],
            "test_side.py": harness["test_side.py"],
            "tests.json": json.dumps(parts.tests).encode(),
        },
        profile=profile,
        limits=Limits(
            wall_seconds=limits.wall_seconds * 2 + 10,
            cpu_seconds=limits.wall_seconds * 2 + 10,
            memory_mb=max(limits.memory_mb, 1024),
            processes=64,
            output_bytes=200_000,
        ),
    )
    learner = sandbox.start(learner_job)
    try:
        tester = sandbox.start(test_job)
    except BaseException:
        learner.finish(kill=True)
        raise
    verdict, ready, timings = _relay(learner, tester, limits.wall_seconds)
    learner_result = learner.finish(kill=True)
    tester_result = tester.finish(kill=verdict is None, wait_seconds=10)
    if verdict is None:
        raise GradingInfrastructureError(
            "The test sandbox ended without a verdict: "
            + tester_result.stderr.decode("utf-8", "replace")[-2000:]
            + _describe(tester_result)
        )
    outcome = _outcome(source, verdict, ready, learner_result)
    outcome.timings = {**timings, "total": time.monotonic() - started}
    return outcome


def _relay(
    learner: RunningJob, tester: RunningJob, learner_seconds: float
) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, float]]:
    started = time.monotonic()
    learner_deadline = started + learner_seconds
    tester_deadline = started + learner_seconds * 2 + 10
    from_learner = LineReader(learner.stdout_fd)
    from_tester = LineReader(tester.stdout_fd)
    ready_line = from_learner.readline(learner_deadline)
    learner_alive = ready_line is not None
    ready: dict[str, Any] = {}
    if ready_line is not None:
        try:
            parsed = json.loads(ready_line)
            ready = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            ready = {}
    timings = {"learner_cells": time.monotonic() - started}
    _write(tester, ready_line if ready_line is not None else b"{}\n")
    verdict: dict[str, Any] | None = None
    try:
        while True:
            line = from_tester.readline(tester_deadline)
            if line is None:
                break
            try:
                message = json.loads(line)
            except ValueError:
                break
            if not isinstance(message, dict):
                break
            if "final" in message:
                final = message["final"]
                verdict = final if isinstance(final, dict) else None
                break
            sequence = message.get("seq")
            if not learner_alive:
                _write(tester, _unavailable(sequence, "the learner's program is not running"))
                continue
            if not _write(learner, line):
                learner_alive = False
                _write(tester, _unavailable(sequence, "the learner's program stopped"))
                continue
            answer = from_learner.readline(learner_deadline)
            if answer is None:
                learner_alive = False
                reason = (
                    "the learner's code ran out of time"
                    if time.monotonic() >= learner_deadline
                    else "the learner's program stopped or sent too much data"
                )
                _write(tester, _unavailable(sequence, reason))
                continue
            _write(tester, answer)
    finally:
        from_learner.close()
        from_tester.close()
    timings["tests"] = time.monotonic() - started - timings["learner_cells"]
    return verdict, ready, timings


def _describe(result: JobResult) -> str:
    return f" ({result.explain()})"


def _outcome(
    source: NotebookNode,
    verdict: dict[str, Any],
    ready: dict[str, Any],
    learner_result: JobResult,
) -> GradingOutcome:
    exercise = classify(source)
    by_id = {
        str(item.get("id")): item for item in verdict.get("verdict", []) if isinstance(item, dict)
    }
    statuses = {
        str(item.get("id")): item
        for item in ready.get("cells", [])
        if isinstance(item, dict) and item.get("id") is not None
    }
    cells: list[CellResult] = []
    for cell in exercise.cells:
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
                    output="" if cell.hidden else str(item.get("output", ""))[:20_000],
                    traceback="" if cell.hidden else str(item.get("traceback", ""))[:8_000],
                )
            )
    learner_errors = [
        {"id": cell_id, "error": str(item.get("error", ""))[:2000]}
        for cell_id, item in statuses.items()
        if item.get("ok") is False
    ]
    output = learner_result.stderr.decode("utf-8", "replace")
    if len(output) > LEARNER_OUTPUT_LIMIT:
        output = output[:LEARNER_OUTPUT_LIMIT] + "\n[output cut]"
    message = ""
    if (
        learner_result.timed_out
        or learner_result.out_of_memory
        or (learner_result.signal not in (None, 9))
    ):
        message = learner_result.explain()
    elif not verdict.get("learner_ready"):
        message = (
            "Your code exited before the tests could use it (an exit call or a crash at the "
            "top level of your cell)."
        )
    elif learner_result.output_truncated:
        message = learner_result.explain()
    return GradingOutcome(
        points=sum(cell.points for cell in cells),
        max_points=sum(cell.max_points for cell in cells),
        cells=cells,
        learner_output=output,
        message=message,
        learner_errors=learner_errors,
    )
