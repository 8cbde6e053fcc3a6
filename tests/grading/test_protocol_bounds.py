"""What the learner's process sends is hostile input: each attack ends as that learner's 0 with a
plain reason, never as an infrastructure error, and the grader's reader stays linear.

Unit tests drive the schema's checks and the relay's `LineReader` directly; the end-to-end tests run
learner code that writes straight to its protocol pipe, through the real (warm) bubblewrap
sandbox, once per kind of attack.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import time

import pytest
from django.conf import settings
from nbformat import NotebookNode

from grading import pipeline
from grading.inside import protocol, schema
from grading.notebooks import reference_answers
from grading.pipeline import GradingInfrastructureError, GradingLimits, grade_notebook
from grading.relay import LineReader, Relay
from sandbox import JobResult
from sandbox.backends.bwrap import BwrapSandbox
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook, setup_cell

COLLIDING = 2**61 - 1  # every multiple of it hashes to 0 in CPython


def _ready(names: object, cells: object = None) -> dict[str, object]:
    return {
        "ready": True,
        "cells": [] if cells is None else cells,
        "names": names,
        "setup": {},
    }


def _line(message: object) -> bytes:
    return (json.dumps(message) + "\n").encode()


def _npy(shape: tuple[int, ...], data: bytes, descr: str = "<f8") -> str:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - len(header) % 64) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data
    return base64.b64encode(raw).decode()


# --- the checks, one by one ----------------------------------------------------------------


def test_a_line_over_the_size_limit_is_refused_before_parsing() -> None:
    line = b'"' + b"x" * protocol.MAX_LINE_BYTES + b'"\n'
    with pytest.raises(protocol.Malformed, match="larger than the limit"):
        schema.parse_line(line)


def test_a_line_with_too_many_values_is_refused_before_parsing() -> None:
    line = b"[" + b"[]," * protocol.MAX_ELEMENTS + b"[]]\n"
    assert len(line) < protocol.MAX_LINE_BYTES
    with pytest.raises(protocol.Malformed, match="more than 1000000 values"):
        schema.parse_line(line)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    with pytest.raises(protocol.Malformed, match="nested too deeply"):
        schema.parse_line(deep)
    sixty_five = json.loads("[" * 66 + "]" * 66)
    with pytest.raises(protocol.Malformed, match="nested deeper than 64"):
        schema.check_value(sixty_five)


def test_nan_and_infinity_literals_are_not_json() -> None:
    with pytest.raises(protocol.Malformed, match="NaN is not JSON"):
        schema.parse_line(b'{"seq": 1, "ok": true, "value": NaN}\n')


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"__t": "ndarray", "v": 5}, "not base64"),
        ({"__t": "ndarray", "v": "!!!!"}, "not base64"),
        ({"__t": "ndarray", "v": base64.b64encode(b"not npy").decode()}, "not .npy"),
        ({"__t": "ndarray", "v": _npy((10**10,), b"\0" * 8)}, "does not match its header"),
        ({"__t": "ndarray", "v": _npy((1,), b"\0" * 8, descr="|O")}, "not plain"),
        ({"__t": "npscalar", "v": _npy((1,), b"\0" * 8)}, "with a shape"),
        ({"__t": "tuple", "v": "abc"}, "not a list"),
        ({"__t": "float", "v": "1e999"}, "not nan or inf"),
        ({"__t": "complex", "v": ["1", "__import__('os')"]}, "not a float literal"),
        ({"__t": "handle", "id": "1", "type": "x"}, "not a non-negative integer"),
        ({"__t": "ref", "name": "softmax"}, "unknown tag 'ref'"),
        ({"__t": "pickle", "v": ""}, "unknown tag 'pickle'"),
        ({"__t": "dict", "v": [[[1, 2], 3]]}, "a list cannot be a dict key"),
        ({"__t": "dict", "v": [[{"__t": "handle", "id": 1, "type": "f"}, 3]]}, "dict key"),
        ({"__t": "dict", "v": [[1, 2, 3]]}, "not a \\[key, value\\] pair"),
        ({"__t": "tensor", "v": _npy((1,), b"\0" * 8)}, "has the keys"),
    ],
)
def test_malformed_values_are_refused_by_name(value: object, reason: str) -> None:
    with pytest.raises(protocol.Malformed, match=reason):
        schema.check_value(value)


def test_plain_values_and_their_tags_pass_and_round_trip() -> None:
    import numpy

    value = {
        "list": [1, 2.5, None, True, "s"],
        "tuple": (1, (2, 3)),
        "keys": {1: "a", (1, "b"): 2, None: 3, 2.5: 4},
        "array": numpy.arange(6, dtype=numpy.float32).reshape(2, 3),
        "scalar": numpy.int64(7),
        "bytes": b"\x00\x01",
        "complex": 1 + 2j,
        "nan": float("nan"),
    }
    encoded = protocol.encode(value)
    schema.check_value(json.loads(json.dumps(encoded)))
    decoded = protocol.decode(encoded)
    assert decoded["keys"] == {1: "a", (1, "b"): 2, None: 3, 2.5: 4}
    assert decoded["array"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert decoded["tuple"] == (1, (2, 3)) and decoded["scalar"] == 7


def test_too_many_non_string_keys_are_refused_before_any_dict_is_built() -> None:
    pairs = [[index * COLLIDING, 0] for index in range(protocol.MAX_DICT_KEYS + 1)]
    with pytest.raises(protocol.Malformed, match="more than 100000 non-string dict keys"):
        schema.check_value({"__t": "dict", "v": pairs})


def test_colliding_keys_under_the_count_limit_are_refused_fast() -> None:
    pairs = [[index * COLLIDING, 0] for index in range(20_000)]
    schema.check_value({"__t": "dict", "v": pairs})  # within the count; decode sees the hashes
    started = time.monotonic()
    with pytest.raises(protocol.Malformed, match="same hash"):
        protocol.decode({"__t": "dict", "v": pairs})
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"ready": True, "cells": 5, "names": {}, "setup": {}}, "cells are not a list"),
        (_ready({"softmax": {"kind": "plain", "value": {"__t": "ndarray", "v": 5}}}), "base64"),
        (_ready({"softmax": {"kind": "code", "type": "function"}}), "neither plain"),
        (_ready({"not a name": {"kind": "plain", "value": 1}}), "not an identifier"),
        (_ready([]), "not an object of at most"),
        (_ready({}, cells=[{"id": 1, "ok": True, "error": None}]), "a cell id"),
        ({"final": {"verdict": []}}, "has the keys"),
    ],
)
def test_malformed_first_messages_are_refused(message: object, reason: str) -> None:
    with pytest.raises(protocol.Malformed, match=reason):
        schema.check_ready(message)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"seq": 1, "ok": "yes", "value": 1}, "ok is not a boolean"),
        ({"seq": -1, "ok": True, "value": 1}, "seq"),
        ({"seq": 1, "ok": True, "value": 1, "extra": 1}, "has the keys"),
        ({"seq": 1, "ok": False, "error": "boom"}, "not an object"),
        ({"cb": 1, "ok": True, "value": 1}, "seq"),  # a forged answer from the tests
        ({"cb": 1, "callback": 1, "args": {}, "kwargs": {}}, "arguments are not a list"),
    ],
)
def test_malformed_answers_and_callbacks_are_refused(message: object, reason: str) -> None:
    with pytest.raises(protocol.Malformed, match=reason):
        schema.check_learner_message(message)


class CountingBuffer(bytearray):
    """Counts the bytes each newline search looks at."""

    searched = 0

    def find(self, sub, start=0, *args):  # type: ignore[no-untyped-def, override]
        CountingBuffer.searched += len(self) - start
        return super().find(sub, start, *args)


def test_the_reader_searches_each_byte_once_on_an_unterminated_line() -> None:
    read_end, write_end = os.pipe()
    reader = LineReader(read_end, limit=8 * 1024 * 1024)
    reader.buffer = CountingBuffer()
    CountingBuffer.searched = 0
    chunk = b"x" * 4096
    try:
        for _ in range(1000):  # 4 MB in 1000 reads, no newline
            os.write(write_end, chunk)
            assert reader.readline(time.monotonic() + 0.001) is None
            assert reader.failure == "timeout"
        os.write(write_end, b"\n")
        line = reader.readline(time.monotonic() + 1)
    finally:
        os.close(write_end)
        reader.close()
        os.close(read_end)
    assert line is not None and len(line) == 4096 * 1000 + 1
    assert CountingBuffer.searched <= 2 * len(line)  # a rescan per read would be ~2 GB


def test_the_reader_refuses_a_line_past_its_limit_without_waiting_for_its_end() -> None:
    read_end, write_end = os.pipe()
    reader = LineReader(read_end, limit=1000)
    try:
        os.write(write_end, b"y" * 2000)
        assert reader.readline(time.monotonic() + 5) is None
        assert reader.failure == "oversized"
    finally:
        os.close(write_end)
        reader.close()
        os.close(read_end)


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"timed_out": True}, "could not finish in time"),
        ({"out_of_memory": True, "signal": 9}, "ran out of memory or time"),
        ({"signal": 24, "cpu_limit_exceeded": True}, "ran out of memory or time"),
    ],
)
def test_a_test_sandbox_the_learner_could_exhaust_is_the_learner_result(
    result: dict[str, object], message: str
) -> None:
    fields = {
        "exit_code": None,
        "signal": None,
        "stdout": b"",
        "stderr": b"",
        "timed_out": False,
        "out_of_memory": False,
        "output_truncated": False,
        "wall_seconds": 1.0,
        "peak_memory_bytes": 0,
        **result,
    }
    relay = Relay.__new__(Relay)
    relay.tester_failure = "eof"
    assert message in pipeline._tester_failure(JobResult(**fields), relay)  # type: ignore[arg-type]


def test_a_test_sandbox_that_crashed_on_its_own_is_retried() -> None:
    relay = Relay.__new__(Relay)
    relay.tester_failure = "eof"
    crashed = JobResult(
        exit_code=1,
        signal=None,
        stdout=b"",
        stderr=b"Traceback: harness bug",
        timed_out=False,
        out_of_memory=False,
        output_truncated=False,
        wall_seconds=1.0,
        peak_memory_bytes=0,
    )
    with pytest.raises(GradingInfrastructureError, match="harness bug"):
        pipeline._tester_failure(crashed, relay)


# --- end to end, through the real sandbox ------------------------------------------------

PROTOCOL = (
    "import sys, os, json\n"
    "def _protocol():\n"
    "    frame = sys._getframe()\n"
    "    while 'protocol_out' not in frame.f_locals:\n"
    "        frame = frame.f_back\n"
    "    return frame.f_locals['protocol_out']\n"
)


def _instead_of_ready(line: str) -> str:
    """Learner code that sends `line` (Python bytes expression) as its first message."""
    return PROTOCOL + f"_protocol().write({line})\nos._exit(0)\n"


def _as_answer(line: str) -> str:
    """A softmax that answers the first call with `line` (a Python bytes expression)."""
    return PROTOCOL + (
        f"def softmax(x):\n    _protocol().write({line})\n    import time\n    time.sleep(30)\n"
    )


READY_ATTACKS = {
    "a 60 MB line": "b'[' + b'0,' * (30 * 1024 * 1024) + b'0]\\n'",
    "an endless line": "b'x' * (20 * 1024 * 1024)",
    "deep nesting": 'b\'{"ready": true, "cells": [], "setup": {}, "names": {"a": {"kind": "plain", "value": \' + b\'[\' * 200000 + b\']\' * 200000 + b\'}}}\\n\'',
    "a malformed plain value": "json.dumps({'ready': True, 'cells': [], 'setup': {}, 'names': {'softmax': {'kind': 'plain', 'value': {'__t': 'ndarray', 'v': 5}}}}).encode() + b'\\n'",
    "cells that are not a list": "json.dumps({'ready': True, 'cells': 5, 'names': {}, 'setup': {}}).encode() + b'\\n'",
    "150,000 colliding int keys": "json.dumps({'ready': True, 'cells': [], 'setup': {}, 'names': {'softmax': {'kind': 'plain', 'value': {'__t': 'dict', 'v': [[i * (2**61 - 1), 0] for i in range(150000)]}}}}).encode() + b'\\n'",
    "a forged verdict": "json.dumps({'final': {'verdict': [], 'learner_ready': True}}).encode() + b'\\n'",
}

ANSWER_ATTACKS = {
    "an answer to another request": "json.dumps({'seq': 99, 'ok': True, 'value': 1}).encode() + b'\\n'",
    "a forged answer from the tests": "json.dumps({'cb': 1, 'ok': True, 'value': 1}).encode() + b'\\n'",
    "an array whose header lies": (
        "json.dumps({'seq': 1, 'ok': True, 'value': {'__t': 'ndarray', 'v': '"
        + _npy((10**10,), b"\0" * 8)
        + "'}}).encode() + b'\\n'"
    ),
    "a 20 MB answer": "b'\"' + b'a' * (20 * 1024 * 1024) + b'\"\\n'",
}


def _check_zero(outcome: pipeline.GradingOutcome) -> None:
    assert outcome.points == 0.0
    assert [cell.passed for cell in outcome.cells] == [False, False, False]
    assert outcome.message.startswith(
        "Your code sent the grader something it does not accept, so nothing was graded: "
    ), outcome.message


@pytest.mark.parametrize("name", list(READY_ATTACKS))
def test_hostile_first_messages_are_the_learners_zero(grade, name: str) -> None:
    started = time.monotonic()
    outcome = grade(_instead_of_ready(READY_ATTACKS[name]), seconds=10)
    _check_zero(outcome)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("name", list(ANSWER_ATTACKS))
def test_hostile_answers_are_the_learners_zero(grade, name: str) -> None:
    outcome = grade(_as_answer(ANSWER_ATTACKS[name]), seconds=10)
    _check_zero(outcome)


def test_colliding_keys_within_the_count_fail_only_that_test_fast(grade) -> None:
    code = PROTOCOL + (
        "def softmax(x):\n"
        "    pairs = [[i * (2**61 - 1), 0] for i in range(20000)]\n"
        "    request = json.dumps({'seq': 1, 'ok': True, 'value': {'__t': 'dict', 'v': pairs}})\n"
        "    _protocol().write(request.encode() + b'\\n')\n"
        "    import time\n"
        "    time.sleep(30)\n"
    )
    started = time.monotonic()
    outcome = grade(code, seconds=10)
    assert outcome.points == 0.0  # the sleeping learner then runs out of time: its own result
    assert "malformed answer" in outcome.cells[0].traceback
    assert "same hash" in outcome.cells[0].traceback
    assert time.monotonic() - started < 15


def _big_copies_notebook() -> NotebookNode:
    return notebook(
        setup_cell("import numpy as np"),
        answer_cell(
            "def values():\n    ### BEGIN SOLUTION\n    return np.ones(3)\n    ### END SOLUTION\n"
        ),
        grade_cell(
            "v = values()\ncopies = [np.array(v, copy=True) for _ in range(2000)]\n"
            "assert sum(float(c.sum()) for c in copies) == 6000",
            "test_copies",
            1,
        ),
    )


def test_an_answer_that_exhausts_the_test_sandbox_is_the_learners_zero(bwrap) -> None:
    source = _big_copies_notebook()
    honest = grade_notebook(
        sandbox=bwrap,
        source=source,
        answers=reference_answers(source),
        limits=GradingLimits(wall_seconds=10, memory_mb=512),
    )
    assert honest.points == 1.0
    huge = "def values():\n    return np.ones(2_000_000, dtype=np.float32)\n"  # 8 MB each
    outcome = grade_notebook(
        sandbox=bwrap,
        source=source,
        answers={"answer": huge},
        limits=GradingLimits(wall_seconds=20, memory_mb=512),
    )
    assert outcome.points == 0.0
    # The test sandbox lived to give its verdict: the blow-up failed one cell.
    assert "MemoryError: Unable to allocate" in outcome.cells[0].traceback


class Recording:
    """A sandbox whose jobs record that they were finished (the real bwrap underneath)."""

    def __init__(self, inner: BwrapSandbox):
        self.inner = inner
        self.finished: list[bool] = []

    def start(self, job):  # type: ignore[no-untyped-def]
        running = self.inner.start(job)
        original = running.finish

        def finish(*, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
            self.finished.append(kill)
            return original(kill=kill, wait_seconds=wait_seconds)

        running.finish = finish  # type: ignore[method-assign]
        return running


def test_both_sandboxes_are_finished_when_the_relay_fails(monkeypatch, softmax_source) -> None:
    def broken(self: Relay) -> None:
        raise RuntimeError("relay broke")

    monkeypatch.setattr(Relay, "run", broken)
    recording = Recording(BwrapSandbox(python=settings.SANDBOX_PYTHON))
    with pytest.raises(RuntimeError, match="relay broke"):
        grade_notebook(
            sandbox=recording,  # type: ignore[arg-type]
            source=softmax_source,
            answers=reference_answers(softmax_source),
            limits=GradingLimits(wall_seconds=5, memory_mb=512),
        )
    assert recording.finished == [True, True]
