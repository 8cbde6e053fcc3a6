"""The grader's relay between the learner and test sandboxes, bounded in size, count and time.

Requests from the tests go to the learner; while one waits, learner code may call a function the
tests passed in (a callback), whose answer comes from the test sandbox, and so on inside one
another (bounded). Every message from the learner's process is checked against the protocol's
schema (grading/inside/schema.py) before it is passed on; a violation ends the grading as the
learner's result (LearnerProtocolError). The verdict is read only from the test sandbox, where
learner code never ran.
"""

from __future__ import annotations

import os
import selectors
import time

from grading.inside import protocol, schema
from grading.inside.protocol import (
    CALLBACK,
    CB,
    ERROR,
    FINAL,
    HIDDEN,
    MESSAGE,
    OK,
    SEQ,
    TYPE,
    UNAVAILABLE,
    Ready,
    Reply,
    Verdict,
)
from sandbox import RunningJob

TESTER_MESSAGE_BYTES = 64 * 1024 * 1024  # the test sandbox is ours; its lines are still bounded
MAX_NESTING = 200  # requests and callbacks waiting inside one another
MAX_CALLBACKS = 50_000  # callbacks from learner code into the tests, per grading
STDERR_SETTLE_SECONDS = 0.2  # the longest wait for the learner's visible output to arrive
STDERR_POLL_SECONDS = 0.002


class LearnerProtocolError(Exception):
    """The learner's process sent the grader something the protocol does not allow: the
    learner's own doing, graded as 0 with the reason."""


class LineReader:
    """Reads newline-terminated messages from a pipe with a deadline and a size bound. Each
    byte is searched for the newline once (a learner sending an endless line costs linear
    time), and a line past `limit` is refused without waiting for its end."""

    def __init__(self, fd: int, limit: int):
        self.fd = fd
        self.limit = limit
        self.buffer = bytearray()
        self.scanned = 0  # bytes of the buffer known to hold no newline
        self.closed = False
        self.failure = ""  # why the last readline returned None: eof, timeout, oversized
        os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(fd, selectors.EVENT_READ)

    def readline(self, deadline: float) -> bytes | None:
        """One line, or None on end of file, timeout or an oversized line (see `failure`)."""
        while True:
            newline = self.buffer.find(b"\n", self.scanned)
            if newline >= 0:
                if newline + 1 > self.limit:
                    self.failure = "oversized"
                    return None
                line = bytes(self.buffer[: newline + 1])
                del self.buffer[: newline + 1]
                self.scanned = 0
                return line
            self.scanned = len(self.buffer)
            if len(self.buffer) > self.limit:
                self.failure = "oversized"
                return None
            if self.closed:
                self.failure = "eof"
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.selector.select(remaining):
                self.failure = "timeout"
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


def _unavailable(sequence: int, message: str) -> bytes:
    """The answer the grader gives the tests in place of a learner that no longer answers."""
    reply: Reply = {SEQ: sequence, OK: False, ERROR: {TYPE: UNAVAILABLE, MESSAGE: message}}
    return protocol.dumps(reply)


class Relay:
    """Carries messages between the two sandboxes until the test sandbox gives its verdict."""

    def __init__(self, learner: RunningJob, tester: RunningJob, learner_seconds: float):
        self.learner = learner
        self.tester = tester
        self.started = time.monotonic()
        self.learner_deadline = self.started + learner_seconds
        self.tester_deadline = self.started + learner_seconds * 2 + 10
        self.learner_alive = True
        self.pending: list[tuple[str, int]] = []  # ("test", seq) / ("learner", callback number)
        self.callbacks = 0
        self.verdict: Verdict | None = None
        self.ready: Ready | None = None
        self.timings: dict[str, float] = {}
        self.tester_failure = ""
        self.visible_stderr: int | None = None  # learner stderr bytes before any hidden test

    def run(self) -> None:
        from_learner = LineReader(self.learner.stdout_fd, protocol.MAX_LINE_BYTES)
        from_tester = LineReader(self.tester.stdout_fd, TESTER_MESSAGE_BYTES)
        try:
            self._first(from_learner)
            while True:
                if self.pending and self.pending[-1][0] == "test":
                    self._from_learner(from_learner)
                elif not self._from_tester(from_tester):
                    break
        finally:
            from_learner.close()
            from_tester.close()
            self.timings["tests"] = (
                time.monotonic() - self.started - self.timings.get("learner_cells", 0.0)
            )

    def _first(self, from_learner: LineReader) -> None:
        line = from_learner.readline(self.learner_deadline)
        self.timings["learner_cells"] = time.monotonic() - self.started
        if line is None:
            if from_learner.failure == "oversized":
                raise LearnerProtocolError("its first message is larger than allowed")
            self.learner_alive = False
            _write(self.tester, b"{}\n")
            return
        try:
            self.ready = schema.check_ready(schema.parse_line(line))
        except protocol.Malformed as error:
            raise LearnerProtocolError(f"its first message is {error}") from None
        _write(self.tester, line)

    def _from_learner(self, from_learner: LineReader) -> None:
        sequence = self.pending[-1][1]
        if not self.learner_alive:
            self.pending.pop()
            _write(self.tester, _unavailable(sequence, "the learner's program is not running"))
            return
        line = from_learner.readline(self.learner_deadline)
        if line is None:
            if from_learner.failure == "oversized":
                raise LearnerProtocolError(
                    f"an answer larger than {protocol.MAX_LINE_BYTES // (1024 * 1024)} MB"
                )
            self.learner_alive = False
            reason = (
                "the learner's code ran out of time"
                if from_learner.failure == "timeout"
                else "the learner's program stopped"
            )
            self.pending.pop()
            _write(self.tester, _unavailable(sequence, reason))
            return
        try:
            message = schema.check_learner_message(schema.parse_line(line))
        except protocol.Malformed as error:
            raise LearnerProtocolError(f"an answer that is {error}") from None
        if CALLBACK in message:
            self.callbacks += 1
            if self.callbacks > MAX_CALLBACKS:
                raise LearnerProtocolError(
                    f"it called functions from the tests more than {MAX_CALLBACKS} times"
                )
            self._check_nesting()
            self.pending.append(("learner", message[CB]))
            _write(self.tester, line)
            return
        answered = message.get(SEQ)
        if answered != sequence:
            raise LearnerProtocolError(
                f"an answer to request {answered} while request {sequence} was asked"
            )
        self.pending.pop()
        _write(self.tester, line)

    def _check_nesting(self) -> None:
        if len(self.pending) >= MAX_NESTING:
            raise LearnerProtocolError(
                f"calls between its code and the tests nested more than {MAX_NESTING} deep"
            )

    def _from_tester(self, from_tester: LineReader) -> bool:
        """Take one message from the test sandbox; False when the relay is over."""
        line = from_tester.readline(self.tester_deadline)
        if line is None:
            self.tester_failure = from_tester.failure
            return False
        try:
            message = protocol.loads(line)
        except ValueError:
            return False
        if not isinstance(message, dict):
            return False
        if FINAL in message:
            final = message[FINAL]
            # The test sandbox is ours: its verdict's shape is the protocol's.
            self.verdict = final if isinstance(final, dict) else None  # type: ignore[assignment]
            return False
        if CB in message:  # the tests' answer to a callback
            if self.pending and self.pending[-1] == ("learner", message[CB]):
                self.pending.pop()
                if self.learner_alive and not _write(self.learner, line):
                    self.learner_alive = False
            return True
        sequence = message.get(SEQ)
        if not isinstance(sequence, int):
            return False
        self._check_nesting()
        if message.get(HIDDEN) is True and self.visible_stderr is None:
            self.visible_stderr = self._settled_stderr()
        self.pending.append(("test", sequence))
        if self.learner_alive and not _write(self.learner, line):
            self.learner_alive = False
        return True

    def _settled_stderr(self) -> int:
        """The learner's stderr length before the first hidden request goes out. Everything
        counted was written before the learner saw any hidden input; a short wait lets what it
        printed for the visible tests arrive."""
        length = self.learner.stderr_bytes_received()
        # The reader thread drains the pipe within a few milliseconds of a write: poll briefly,
        # as this wait is paid by every grading that has hidden tests.
        deadline = time.monotonic() + STDERR_SETTLE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(STDERR_POLL_SECONDS)
            now = self.learner.stderr_bytes_received()
            if now == length:
                break
            length = now
        return length
