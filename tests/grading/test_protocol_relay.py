"""The grader's relay on its own, over plain pipes: its bounds on line length, message count,
nesting, time and the learner's visible output. Each side of the relay is a `PipeJob`, a
running job whose stdout the test writes and whose stdin the test reads back; what runs inside
a real sandbox is covered end to end in test_protocol_bounds.py."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator

import pytest

from grading import relay
from grading.inside import protocol
from grading.pipeline import LEARNER_OUTPUT_LIMIT, _learner_output
from grading.relay import LearnerProtocolError, LineReader, Relay
from sandbox import JobResult, RunningJob

OPEN: list[int] = []  # the pipes' descriptors, closed after each test


@pytest.fixture(autouse=True)
def _close_pipes() -> Iterator[None]:
    yield
    while OPEN:
        try:
            os.close(OPEN.pop())
        except OSError:
            pass  # a test closed it already


class PipeJob(RunningJob):
    """A job that is two pipes: what the test writes comes out of its stdout, and what the
    relay writes to its stdin the test reads back with `received()`."""

    def __init__(self, *messages: object, stderr_sizes: list[int] | None = None):
        self.out_read, self.out_write = os.pipe()
        self.in_read, self.in_write = os.pipe()
        OPEN.extend((self.out_read, self.out_write, self.in_read, self.in_write))
        self.stderr_sizes = stderr_sizes or [0]
        self.send(*messages)

    @property
    def stdin_fd(self) -> int:
        return self.in_write

    @property
    def stdout_fd(self) -> int:
        return self.out_read

    def send(self, *messages: object) -> None:
        for message in messages:
            data = message if isinstance(message, bytes) else json.dumps(message).encode() + b"\n"
            os.write(self.out_write, data)

    def send_in_background(self, data: bytes) -> None:
        """Write more than a pipe holds while the relay reads; the relay may stop reading."""

        def write() -> None:
            try:
                self.send(data)
            except OSError:
                pass  # the relay refused the line and the test closed the pipe

        threading.Thread(target=write, daemon=True).start()

    def end_output(self) -> None:
        os.close(self.out_write)

    def stderr_bytes_received(self) -> int:
        # Each look sees the next size, then the last one stays.
        if len(self.stderr_sizes) > 1:
            return self.stderr_sizes.pop(0)
        return self.stderr_sizes[0]

    def received(self) -> list[object]:
        os.set_blocking(self.in_read, False)
        try:
            data = os.read(self.in_read, 1 << 20)
        except BlockingIOError:
            data = b""
        return [json.loads(line) for line in data.splitlines()]

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        raise AssertionError("the relay never finishes a job; the pipeline does")


def _ready() -> dict[str, object]:
    return {"ready": True, "cells": [], "names": {}, "setup": {}}


def _request(seq: int, hidden: bool = False) -> dict[str, object]:
    target = {"name": "f"}
    return {"seq": seq, "op": "call", "target": target, "args": [], "kwargs": {}, "hidden": hidden}


def _callback(number: int) -> dict[str, object]:
    return {"cb": number, "callback": 1, "args": [], "kwargs": {}}


FINAL = {"final": {"verdict": [], "setup_errors": [], "learner_ready": True, "failure": ""}}


def _run(learner: PipeJob, tester: PipeJob, seconds: float = 5) -> Relay:
    running = Relay(learner, tester, seconds)
    running.run()
    return running


# --- line length -------------------------------------------------------------------------


def test_a_line_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() -> None:
    read_end, write_end = os.pipe()
    reader = LineReader(read_end, limit=10)
    try:
        os.write(write_end, b"123456789\n" + b"1234567890\n")
        assert reader.readline(time.monotonic() + 1) == b"123456789\n"
        assert reader.readline(time.monotonic() + 1) is None
        assert reader.failure == "oversized"
    finally:
        os.close(write_end)
        reader.close()
        os.close(read_end)


def test_the_reader_gives_lines_one_at_a_time_then_the_end_of_file() -> None:
    read_end, write_end = os.pipe()
    reader = LineReader(read_end, limit=100)
    try:
        os.write(write_end, b"a\nb\nunfinished")
        os.close(write_end)
        assert reader.readline(time.monotonic() + 1) == b"a\n"
        assert reader.readline(time.monotonic() + 1) == b"b\n"
        assert reader.readline(time.monotonic() + 1) is None
        assert reader.failure == "eof"
    finally:
        reader.close()
        os.close(read_end)


def test_an_oversized_first_message_is_the_learners_violation() -> None:
    learner, tester = PipeJob(), PipeJob()
    learner.send_in_background(b"x" * (protocol.MAX_LINE_BYTES + 1))
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value) == "its first message is larger than allowed"
    assert tester.received() == []


def test_an_oversized_answer_is_the_learners_violation() -> None:
    learner, tester = PipeJob(_ready()), PipeJob(_request(1))
    learner.send_in_background(b'"' + b"a" * protocol.MAX_LINE_BYTES + b'"\n')
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value) == "an answer larger than 16 MB"


# --- what the relay passes on, and what it refuses ----------------------------------------


def test_requests_answers_and_callbacks_cross_in_order_until_the_verdict() -> None:
    answer = {"seq": 1, "ok": True, "value": 3}
    learner = PipeJob(_ready(), _callback(1), answer)
    tester = PipeJob(_request(1), {"cb": 1, "ok": True, "value": None}, FINAL)
    finished = _run(learner, tester)
    assert finished.ready == _ready()
    assert finished.verdict == FINAL["final"]
    assert learner.received() == [_request(1), {"cb": 1, "ok": True, "value": None}]
    assert tester.received() == [_ready(), _callback(1), answer]
    assert finished.pending == [] and finished.callbacks == 1
    assert finished.visible_stderr is None  # no hidden test asked anything


def test_a_forged_verdict_from_the_learner_is_a_violation_not_a_verdict() -> None:
    learner, tester = PipeJob(FINAL), PipeJob(FINAL)
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value).startswith("its first message is the first message has the keys")


def test_an_answer_to_another_request_is_a_violation() -> None:
    learner = PipeJob(_ready(), {"seq": 2, "ok": True, "value": 1})
    tester = PipeJob(_request(1))
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value) == "an answer to request 2 while request 1 was asked"


def test_a_callback_answer_nobody_waits_for_is_not_passed_to_the_learner() -> None:
    learner = PipeJob(_ready())
    tester = PipeJob({"cb": 5, "ok": True, "value": 1}, FINAL)
    finished = _run(learner, tester)
    assert learner.received() == []
    assert finished.verdict == FINAL["final"]


# --- counts and nesting ------------------------------------------------------------------


def test_callbacks_are_counted_over_the_whole_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay, "MAX_CALLBACKS", 3)
    learner = PipeJob(_ready(), *[_callback(number) for number in range(1, 5)])
    tester = PipeJob(_request(1), *[{"cb": n, "ok": True, "value": None} for n in range(1, 5)])
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value) == "it called functions from the tests more than 3 times"
    answers = [{"cb": number, "ok": True, "value": None} for number in (1, 2, 3)]
    assert learner.received() == [_request(1), *answers]


def test_calls_nest_inside_one_another_only_so_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay, "MAX_NESTING", 3)
    learner = PipeJob(_ready(), _callback(1), _callback(2))
    tester = PipeJob(_request(1), _request(2))
    with pytest.raises(LearnerProtocolError) as raised:
        _run(learner, tester)
    assert str(raised.value) == "calls between its code and the tests nested more than 3 deep"


# --- time --------------------------------------------------------------------------------


def test_a_learner_that_does_not_answer_in_time_is_unavailable_to_the_tests() -> None:
    learner, tester = PipeJob(_ready()), PipeJob(_request(1), _request(2))
    tester_done = threading.Timer(1.0, tester.send, args=(FINAL,))
    tester_done.start()
    started = time.monotonic()
    finished = _run(learner, tester, seconds=0.3)
    tester_done.join()
    assert 0.3 <= time.monotonic() - started < 3
    out_of_time = {"type": "Unavailable", "message": "the learner's code ran out of time"}
    not_running = {"type": "Unavailable", "message": "the learner's program is not running"}
    assert tester.received() == [
        _ready(),
        {"seq": 1, "ok": False, "error": out_of_time},
        {"seq": 2, "ok": False, "error": not_running},
    ]
    assert finished.learner_alive is False
    assert finished.verdict == FINAL["final"]


def test_a_learner_that_never_sends_its_first_message_leaves_the_tests_an_empty_one() -> None:
    learner, tester = PipeJob(), PipeJob(FINAL)
    learner.end_output()
    finished = _run(learner, tester)
    assert tester.received() == [{}]
    assert finished.ready is None and finished.learner_alive is False


def test_a_silent_test_sandbox_ends_the_relay_at_its_deadline() -> None:
    learner, tester = PipeJob(_ready()), PipeJob()
    running = Relay(learner, tester, 5)
    running.tester_deadline = time.monotonic() + 0.2
    started = time.monotonic()
    running.run()
    assert 0.2 <= time.monotonic() - started < 2
    assert running.tester_failure == "timeout" and running.verdict is None


# --- the learner's visible output --------------------------------------------------------


def test_the_learners_output_is_cut_where_the_first_hidden_request_went_out() -> None:
    learner = PipeJob(
        _ready(),
        {"seq": 1, "ok": True, "value": 1},
        {"seq": 2, "ok": True, "value": 2},
        stderr_sizes=[40, 40],
    )
    tester = PipeJob(_request(1), _request(2, hidden=True), FINAL)
    finished = _run(learner, tester)
    assert finished.visible_stderr == 40


def test_the_visible_output_waits_for_the_stderr_to_settle_but_not_forever() -> None:
    growing = list(range(0, 100_000, 10))  # the learner prints on and on
    learner = PipeJob(_ready(), {"seq": 1, "ok": True, "value": 1}, stderr_sizes=growing)
    tester = PipeJob(_request(1, hidden=True), FINAL)
    started = time.monotonic()
    finished = _run(learner, tester)
    waited = time.monotonic() - started
    assert relay.STDERR_SETTLE_SECONDS <= waited < relay.STDERR_SETTLE_SECONDS + 1
    assert finished.visible_stderr is not None and 0 < finished.visible_stderr < 100_000


def _stderr(data: bytes) -> JobResult:
    return JobResult(
        exit_code=0,
        signal=None,
        stdout=b"",
        stderr=data,
        timed_out=False,
        out_of_memory=False,
        output_truncated=False,
        wall_seconds=1.0,
        peak_memory_bytes=0,
    )


def test_the_output_shown_stops_at_the_visible_bytes_and_at_its_cap() -> None:
    assert _learner_output(_stderr(b"visible|hidden"), 8) == "visible|"
    assert _learner_output(_stderr(b"all of it"), None) == "all of it"
    long = _learner_output(_stderr(b"x" * (LEARNER_OUTPUT_LIMIT + 1)), None)
    assert long == "x" * LEARNER_OUTPUT_LIMIT + "\n[output cut]"
