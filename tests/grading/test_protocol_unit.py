"""The wire format between the sandboxes, unit by unit: each bound of `schema` on both sides of
its limit (size, depth, counts, key types, .npy headers, unknown keys and kinds) and the codec's
round trips. No sandbox: these are plain functions over bytes and parsed JSON."""

from __future__ import annotations

import base64
import io
import json
import math
import struct

import numpy
import pytest

from grading.inside import protocol, schema
from grading.inside.protocol import MAX_DEPTH, MAX_DICT_KEYS, MAX_ELEMENTS, Malformed


def _npy(array: numpy.ndarray) -> bytes:
    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _npy_with_header(header: str, data: bytes, version: int = 1) -> bytes:
    raw = header.encode("latin-1")
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(raw)) + raw + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(raw)) + raw + data


def _nested(depth: int) -> object:
    value: object = 0
    for _ in range(depth):
        value = [value]
    return value


# --- size and counts ---------------------------------------------------------------------


def test_a_line_is_refused_one_byte_past_its_limit_and_taken_at_it() -> None:
    line = b'"abc"\n'
    assert schema.parse_line(line, limit=6) == "abc"
    with pytest.raises(Malformed) as refused:
        schema.parse_line(line, limit=5)
    assert str(refused.value) == "a message of 6 bytes is larger than the limit of 5"
    assert protocol.fits(line, limit=6) is True
    assert protocol.fits(line, limit=5) is False


def test_the_value_count_is_bounded_before_parsing_on_both_sides_of_the_limit() -> None:
    at_limit = b"[" + b"0," * (MAX_ELEMENTS - 1) + b"0]\n"  # one bracket and the commas
    assert protocol.element_count(at_limit) == MAX_ELEMENTS
    assert schema.parse_line(at_limit) == [0] * MAX_ELEMENTS
    assert protocol.fits(at_limit) is True
    past = b"[" + b"0," * MAX_ELEMENTS + b"0]\n"
    assert protocol.fits(past) is False
    with pytest.raises(Malformed) as refused:
        schema.parse_line(past)
    assert str(refused.value) == "a message with more than 1000000 values"


def test_commas_inside_strings_count_too_so_the_bound_only_overestimates() -> None:
    assert protocol.element_count(b'["a,b", {"c": "[{"}]') == 6


def test_text_that_is_not_json_is_malformed_with_its_reason() -> None:
    with pytest.raises(Malformed) as refused:
        schema.parse_line(b"{'seq': 1}\n")
    assert str(refused.value) == (
        "a message that is not JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))"
    )
    with pytest.raises(Malformed, match=r"^a message that is not JSON \(Infinity is not JSON\)$"):
        schema.parse_line(b"[Infinity]\n")


# --- depth -------------------------------------------------------------------------------


def test_values_nest_up_to_the_depth_limit_and_no_deeper() -> None:
    schema.check_value(_nested(MAX_DEPTH))
    with pytest.raises(Malformed) as refused:
        schema.check_value(_nested(MAX_DEPTH + 1))
    assert str(refused.value) == "a value nested deeper than 64"


def test_the_codec_refuses_what_is_nested_past_the_limit_in_both_directions() -> None:
    assert protocol.encode(_nested(MAX_DEPTH)) == _nested(MAX_DEPTH)
    with pytest.raises(protocol.NotPlain, match="^nested too deeply$"):
        protocol.encode(_nested(MAX_DEPTH + 1))
    with pytest.raises(Malformed, match="^nested too deeply$"):
        protocol.decode(_nested(MAX_DEPTH + 1))  # type: ignore[arg-type]


def test_tagged_values_count_toward_the_depth() -> None:
    value: object = 0
    for _ in range(MAX_DEPTH + 1):
        value = {"__t": "tuple", "v": [value]}
    with pytest.raises(Malformed, match="^a value nested deeper than 64$"):
        schema.check_value(value)


# --- dict keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ([1], "a list cannot be a dict key"),
        ({"a": 1}, "a dict cannot be a dict key"),
        ({"__t": "handle", "id": 1, "type": "x"}, "a 'handle' cannot be a dict key"),
        ({"__t": "ndarray", "v": ""}, "a 'ndarray' cannot be a dict key"),
        ({"__t": "tuple", "v": [1, [2]]}, "a list cannot be a dict key"),
        ({"__t": ["float"], "v": "nan"}, "a \"['float']\" cannot be a dict key"),
    ],
)
def test_only_hashable_kinds_can_be_dict_keys(key: object, reason: str) -> None:
    with pytest.raises(Malformed) as refused:
        schema.check_value({"__t": "dict", "v": [[key, 0]]})
    assert str(refused.value) == reason


def test_hashable_kinds_make_dict_keys_that_round_trip() -> None:
    value = {(1, "a"): 1, b"\x00": 2, 1.5j: 3, math.inf: 4, numpy.int64(7): 5, None: 6}
    encoded = json.loads(protocol.dumps(protocol.encode(value)))
    schema.check_value(encoded)
    assert protocol.decode(encoded) == value


def test_the_non_string_key_budget_is_shared_by_a_whole_message() -> None:
    half = {"__t": "dict", "v": [[index, 0] for index in range(MAX_DICT_KEYS // 2 + 1)]}
    schema.check_value(half)
    request = {"cb": 1, "callback": 1, "args": [half, half], "kwargs": {}}
    with pytest.raises(Malformed) as refused:
        schema.check_callback_request(request)
    assert str(refused.value) == "more than 100000 non-string dict keys in one message"


def test_more_than_32_keys_sharing_a_hash_are_refused_before_the_dict_is_built() -> None:
    colliding = 2**61 - 1  # every multiple of it hashes to 0 in CPython
    pairs = [[index * colliding, 0] for index in range(32)]
    assert len(protocol.decode({"__t": "dict", "v": pairs})) == 32  # type: ignore[arg-type]
    pairs.append([32 * colliding, 0])
    with pytest.raises(Malformed, match="^too many dict keys with the same hash$"):
        protocol.decode({"__t": "dict", "v": pairs})  # type: ignore[arg-type]


# --- .npy headers ------------------------------------------------------------------------


def test_a_sound_npy_file_gives_its_shape() -> None:
    assert schema.check_npy(_npy(numpy.zeros((2, 3), dtype="<f8"))) == (2, 3)
    assert schema.check_npy(_npy(numpy.array("ab"))) == ()
    assert schema.check_npy(_npy(numpy.zeros((0, 5), dtype="int8"))) == (0, 5)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x93NUMPZ\x01\x00\x00\x00", "an array that is not .npy data"),
        (b"\x93NUMPY\x01", "an array that is not .npy data"),
        (b"\x93NUMPY\x04\x00\x00\x00\x00\x00", "an array of an unknown .npy version"),
        (
            _npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", b""),
            "an array whose data does not match its header",
        ),
        (
            _npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", b"\0" * 9),
            "an array whose data does not match its header",
        ),
        (
            _npy_with_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", b"\0" * 8),
            "an array of a dtype that is not plain",
        ),
        (
            _npy_with_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", b"\0" * 8),
            "an array of a dtype that is not plain",
        ),
        (
            _npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", b""),
            "an array with a bad shape",
        ),
        (
            _npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': [1]}", b"\0" * 8),
            "an array with a bad shape",
        ),
        (
            _npy_with_header(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", b"\0" * 8
            ),
            "an array with a bad .npy header",
        ),
        (
            _npy_with_header("__import__('os').system('true')", b""),
            "an array with a bad .npy header",
        ),
        (
            _npy_with_header("{" + " " * 10_000 + "}", b"", version=2),
            "an array with a bad .npy header",
        ),
    ],
)
def test_an_npy_header_that_lies_or_is_not_plain_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(Malformed) as refused:
        schema.check_npy(data)
    assert str(refused.value) == reason


def test_an_array_on_the_wire_is_checked_as_npy_and_as_base64() -> None:
    good = base64.b64encode(_npy(numpy.arange(3))).decode()
    schema.check_value({"__t": "ndarray", "v": good})
    with pytest.raises(Malformed, match="^a NumPy scalar with a shape$"):
        schema.check_value({"__t": "npscalar", "v": good})
    with pytest.raises(Malformed, match="^ndarray that is not base64$"):
        schema.check_value({"__t": "ndarray", "v": good[:-1]})
    with pytest.raises(Malformed, match="^ndarray that is not base64$"):
        schema.check_value({"__t": "ndarray", "v": 5})


# --- unknown keys and kinds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tags", "reason"),
    [
        ({"__t": "pickle", "v": ""}, protocol.FROM_LEARNER, "an unknown tag 'pickle'"),
        ({"__t": "ref", "name": "x"}, protocol.FROM_LEARNER, "an unknown tag 'ref'"),
        ({"__t": "callback", "id": 1}, frozenset(), "an unknown tag 'callback'"),
        (
            {"__t": "float", "v": "nan", "extra": 1},
            protocol.FROM_LEARNER,
            "a float has the keys ['__t', 'extra', 'v'], not ['__t', 'v']",
        ),
        (
            {"__t": "handle", "id": 1},
            protocol.FROM_LEARNER,
            "a handle has the keys ['__t', 'id'], not ['__t', 'id', 'type']",
        ),
        ({"__t": "handle", "id": -1, "type": "x"}, protocol.FROM_LEARNER, "a handle id is not"),
        ({"__t": "ref", "name": "os.system"}, protocol.TO_LEARNER, "not an identifier"),
        ({"__t": "float", "v": "1e400"}, protocol.FROM_LEARNER, "not nan or inf"),
        (float("nan"), protocol.FROM_LEARNER, "a float that is not finite must be tagged"),
        ({1, 2}, protocol.FROM_LEARNER, "a value of an unknown kind"),
    ],
)
def test_tags_keys_and_kinds_outside_the_protocol_are_refused(
    value: object, tags: frozenset[str], reason: str
) -> None:
    with pytest.raises(Malformed) as refused:
        schema.check_value(value, tags)
    assert reason in str(refused.value)


def _ready(**changes: object) -> dict[str, object]:
    return {"ready": True, "cells": [], "names": {}, "setup": {}, **changes}


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (_ready(extra=1), "the first message has the keys"),
        (_ready(ready=1), "the first message does not say ready"),
        (_ready(cells=[{"id": "a", "ok": True}]), "a cell status has the keys"),
        (_ready(cells=[{"id": "a", "ok": 1, "error": None}]), "a cell status's ok is not"),
        (_ready(names={"a": {"kind": "module"}}), "is neither plain nor an object"),
        (_ready(names={"a b": {"kind": "plain", "value": 1}}), "not an identifier"),
        (
            _ready(setup={"m": {"kind": "object", "type": "M", "callable": 1, "handle": 1}}),
            "callable flag is not a boolean",
        ),
        ([], "the first message is not an object"),
    ],
)
def test_a_first_message_outside_the_schema_is_refused(message: object, reason: str) -> None:
    with pytest.raises(Malformed) as refused:
        schema.check_ready(message)  # type: ignore[arg-type]
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"seq": 1, "ok": True, "value": 1, "final": {}}, "an answer has the keys"),
        ({"seq": 1, "ok": "yes", "value": 1}, "an answer whose ok is not a boolean"),
        ({"seq": "1", "ok": True, "value": 1}, "an answer's seq is not"),
        ({"seq": 1, "ok": False, "error": {"type": "E", "code": 1}}, "an error with unknown"),
        ({"seq": 1, "ok": False, "error": "E"}, "an error that is not an object"),
        (
            {
                "seq": 1,
                "ok": True,
                "value": 1,
                "changed": {"x": {"kind": "object", "type": "T", "callable": False, "handle": 1}},
            },
            "a changed name that is not plain data",
        ),
        (
            {"cb": 1, "callback": 1, "args": [], "kwargs": {}, "seq": 1},
            "a callback request has the keys",
        ),
        ({"cb": 1, "callback": 1, "args": {}, "kwargs": {}}, "are not a list and an object"),
        (
            {
                "cb": 1,
                "callback": 1,
                "args": [0] * 6000,
                "kwargs": {f"k{i}": 0 for i in range(5000)},
            },
            "are not a list and an object",
        ),
    ],
)
def test_a_later_message_outside_the_schema_is_refused(message: object, reason: str) -> None:
    with pytest.raises(Malformed) as refused:
        schema.check_learner_message(message)  # type: ignore[arg-type]
    assert reason in str(refused.value)


def test_messages_inside_the_schema_come_back_as_they_were() -> None:
    ready = _ready(
        cells=[{"id": "answer", "ok": False, "error": "NameError: x"}],
        names={"x": {"kind": "plain", "value": [1, {"__t": "bytes", "v": "AA=="}]}},
        setup={"m": {"kind": "object", "type": "Model", "callable": True, "handle": 3}},
    )
    assert schema.check_ready(ready) == ready  # type: ignore[arg-type]
    answer = {"seq": 2, "ok": True, "value": {"__t": "handle", "id": 4, "type": "f"}}
    assert schema.check_learner_message(answer) == answer  # type: ignore[arg-type]
    call = {"cb": 1, "callback": 2, "args": [{"__t": "callback", "id": 2}], "kwargs": {"k": 1}}
    assert schema.check_learner_message(call) == call  # type: ignore[arg-type]


# --- the codec ---------------------------------------------------------------------------


def test_every_kind_of_plain_value_round_trips_through_a_checked_line() -> None:
    value = [
        None,
        True,
        -(2**70),
        0.5,
        "é",
        (1, (2,)),
        {"a": [1]},
        {"__t": "not a tag"},
        b"\xff",
        complex(-0.0, math.nan),
        -math.inf,
        numpy.float32(1.5),
        numpy.arange(6, dtype="<i2").reshape(2, 3),
    ]
    line = protocol.dumps(protocol.encode(value))
    parsed = schema.parse_line(line)
    schema.check_value(parsed)
    decoded = protocol.decode(parsed)
    assert isinstance(decoded, list)
    assert decoded[:8] == value[:8]
    assert decoded[8] == b"\xff"
    assert repr(decoded[9]) == "(-0+nanj)"
    assert decoded[10] == -math.inf
    assert type(decoded[11]) is numpy.float32 and decoded[11] == 1.5
    assert decoded[12].dtype == numpy.dtype("<i2") and decoded[12].tolist() == [
        [0, 1, 2],
        [3, 4, 5],
    ]


def test_objects_that_are_not_plain_cross_as_handles_or_not_at_all() -> None:
    class Model:
        pass

    model = Model()
    with pytest.raises(protocol.NotPlain, match="^a Model object is not plain data$"):
        protocol.encode([model])
    assert protocol.encode([model], lambda value: 7) == [
        {"__t": "handle", "id": 7, "type": "Model"}
    ]
    assert protocol.encode(numpy.array([model]), lambda value: 8) == {
        "__t": "handle",
        "id": 8,
        "type": "ndarray",
    }
    made: list[tuple[int, str]] = []
    assert (
        protocol.decode(
            {"__t": "handle", "id": 7, "type": "Model"}, lambda *args: made.append(args)
        )
        is None
    )
    assert made == [(7, "Model")]
    with pytest.raises(Malformed, match="^handles are not accepted here$"):
        protocol.decode({"__t": "handle", "id": 7, "type": "Model"})


def test_a_subclass_of_a_plain_type_is_not_plain() -> None:
    class Sneaky(str):
        pass

    with pytest.raises(protocol.NotPlain):
        protocol.encode(Sneaky("x"))


def test_name_references_and_callbacks_decode_only_through_the_side_s_hooks() -> None:
    reference = {"__t": "ref", "name": "squares"}
    assert protocol.decode(reference, hooks={"ref": lambda data: ("found", data["name"])}) == (
        "found",
        "squares",
    )
    with pytest.raises(Malformed, match="^unknown tag 'ref'$"):
        protocol.decode(reference, hooks={"callback": lambda data: None})


def test_the_wire_carries_kinds_and_keys_as_plain_strings() -> None:
    message = {protocol.OP: protocol.Op.GETATTR, protocol.TAG: protocol.Tag.TUPLE}
    assert protocol.dumps(message) == b'{"op":"getattr","__t":"tuple"}\n'
    assert protocol.Tag.HANDLE in protocol.FROM_LEARNER and "handle" in protocol.FROM_LEARNER
