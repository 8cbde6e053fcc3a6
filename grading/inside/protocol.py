"""The wire format between the learner and test sandboxes: message keys, kinds and the codec.

One message is one line of JSON. Values that JSON cannot carry are tagged objects under the key
`TAG`: tuples, dicts with non-string keys, bytes, complex numbers, NumPy arrays and scalars and
torch tensors (as .npy bytes, never pickle), handles (opaque references to objects that stay in
the learner's process), name references and callbacks (functions that stay in the test process).
Decoding never executes anything from the message.

Every key and kind of a message is named here once; the learner program, the test program, the
schema checks (`schema.py`) and the grader's relay (grading/relay.py) all use these names. This
module runs inside the sandboxes too: stdlib only, NumPy and torch only when a value needs them.

Why one file of over 400 lines: the keys, the message types and the codec are one wire format
that changes as a whole (a new tag is a key, a type and an encode/decode pair), and every side
imports all three; splitting them would only spread one change over several files.
"""

import base64
import io
import json
import math
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Final, Literal, NotRequired, TypeAlias, TypedDict

Json: TypeAlias = None | bool | int | float | str | list["Json"] | dict[str, "Json"]
JsonObject: TypeAlias = dict[str, Json]

MAX_DEPTH = 64
MAX_LINE_BYTES = 16 * 1024 * 1024  # one message from the learner's process
MAX_ELEMENTS = 1_000_000  # JSON values in one message (bounds what parsing builds)
MAX_DICT_KEYS = 100_000  # keys of non-string-keyed dicts in one message
MAX_SAME_HASH = 32  # keys sharing one hash: more makes building the dict quadratic
MAX_NAMES = 10_000
MAX_CELLS = 10_000
MAX_ARGS = 10_000
MAX_TEXT = 100_000  # error messages, type names and the like
MAX_NPY_HEADER = 10_000
HANDLE_LIMIT = 2**62

# --- Keys ------------------------------------------------------------------------------------
# The learner side's first message.
READY: Final = "ready"
CELLS: Final = "cells"
NAMES: Final = "names"
SETUP: Final = "setup"
# A request from the tests, and the learner side's answer to it.
SEQ: Final = "seq"
OP: Final = "op"
TARGET: Final = "target"
ARGS: Final = "args"
KWARGS: Final = "kwargs"
HIDDEN: Final = "hidden"
OK: Final = "ok"
VALUE: Final = "value"
ERROR: Final = "error"
CHANGED: Final = "changed"
# A callback request from learner code (CALLBACK: the function's id), and its answer (by CB).
CB: Final = "cb"
CALLBACK: Final = "callback"
# The test side's last message.
FINAL: Final = "final"
# Inside messages: cell statuses, descriptions of names, errors, targets, tagged values.
ID: Final = "id"
KIND: Final = "kind"
TYPE: Final = "type"
CALLABLE: Final = "callable"
HANDLE: Final = "handle"
NAME: Final = "name"
MESSAGE: Final = "message"
TRACEBACK: Final = "traceback"
TAG: Final = "__t"
TAGGED: Final = "v"
DTYPE: Final = "dtype"
REQUIRES_GRAD: Final = "requires_grad"
PARAMETER: Final = "parameter"
DEVICE: Final = "device"

UNAVAILABLE: Final = "Unavailable"  # the error type of an answer the grader makes up


class Tag(StrEnum):
    """What a tagged value on the wire stands for."""

    FLOAT = "float"
    TUPLE = "tuple"
    DICT = "dict"
    BYTES = "bytes"
    COMPLEX = "complex"
    NDARRAY = "ndarray"
    NPSCALAR = "npscalar"
    TENSOR = "tensor"
    HANDLE = "handle"
    CALLBACK = "callback"
    REF = "ref"


class Op(StrEnum):
    """What a request asks of a learner object or name."""

    CALL = "call"
    GETATTR = "getattr"
    SETATTR = "setattr"
    GETITEM = "getitem"
    ITER = "iter"
    LEN = "len"
    VALUE = "value"
    REPR = "repr"
    DELETE = "delete"
    ASSIGN = "assign"


class Kind(StrEnum):
    """How a learner name is described: as its plain value or as a handle to the object."""

    PLAIN = "plain"
    OBJECT = "object"


# Which special tags each direction may carry (`schema.check_value`).
FROM_LEARNER: Final = frozenset({Tag.HANDLE, Tag.CALLBACK})
TO_LEARNER: Final = frozenset({Tag.HANDLE, Tag.REF, Tag.CALLBACK})


# --- Message shapes ----------------------------------------------------------------------------


class PlainDescription(TypedDict):
    kind: Literal[Kind.PLAIN]
    value: Json


class ObjectDescription(TypedDict):
    kind: Literal[Kind.OBJECT]
    type: str
    callable: bool
    handle: int


Description: TypeAlias = PlainDescription | ObjectDescription


class CellStatus(TypedDict):
    id: str
    ok: bool
    error: str | None


class Ready(TypedDict):
    ready: Literal[True]
    cells: list[CellStatus]
    names: dict[str, Description]
    setup: dict[str, Description]


class Target(TypedDict, total=False):
    name: str
    handle: int


class Request(TypedDict):
    seq: int
    op: Op
    target: Target
    args: list[Json]
    kwargs: dict[str, Json]
    hidden: bool


class Error(TypedDict):
    type: str
    message: str
    traceback: NotRequired[str]


class Reply(TypedDict):
    """An answer, to a request (by SEQ) or to a callback request (by CB)."""

    ok: bool
    seq: NotRequired[int | None]
    cb: NotRequired[int]
    value: NotRequired[Json]
    error: NotRequired[Error]
    changed: NotRequired[dict[str, PlainDescription]]


class CallbackRequest(TypedDict):
    cb: int
    callback: int
    args: list[Json]
    kwargs: dict[str, Json]


class TestResult(TypedDict):
    """One test cell's result. A hidden test's output and traceback go under their own keys:
    only the author's command line shows them, and the grader keeps them apart."""

    id: str
    passed: bool
    points: float
    output: NotRequired[str]
    traceback: NotRequired[str]
    hidden_output: NotRequired[str]
    hidden_traceback: NotRequired[str]


class SetupError(TypedDict):
    id: str
    traceback: str


class Verdict(TypedDict):
    verdict: list[TestResult]
    setup_errors: list[SetupError]
    learner_ready: bool
    failure: str


class FinalMessage(TypedDict):
    """The test side's last message."""

    final: Verdict


class Malformed(ValueError):
    """A message that breaks the protocol: too large, too deep, or not of the agreed shape."""


class NotPlain(Exception):
    """The value cannot cross as plain data; the learner side sends a handle instead."""


def dumps(message: Mapping[str, object]) -> bytes:
    return (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def loads(line: bytes) -> Json:
    """Parse a line from a trusted peer (the grader reading the test sandbox)."""
    parsed: Json = json.loads(line.decode("utf-8"))
    return parsed


def element_count(line: bytes) -> int:
    """At least the number of JSON values in a line: every value but the first follows a comma
    or opens a bracket. Commas and brackets inside strings count too, so it only overestimates."""
    return line.count(b",") + line.count(b"[") + line.count(b"{")


def fits(line: bytes, limit: int = MAX_LINE_BYTES) -> bool:
    """Whether the grader's `schema.parse_line` accepts a line on size and counts (the sender
    checks first)."""
    return len(line) <= limit and element_count(line) <= MAX_ELEMENTS


def error_of(error: BaseException, limit: int = 2000) -> Error:
    """An exception as it crosses: its type's name and its message, both cut short."""
    return {TYPE: type(error).__name__[:100], MESSAGE: str(error)[:limit]}


# --- The codec ---------------------------------------------------------------------------------

# `handle_of(obj)` gives a handle id, or a whole tagged reference, for an object that is not plain.
HandleOf: TypeAlias = Callable[[object], int | JsonObject]
MakeHandle: TypeAlias = Callable[[int, str], object]
Hook: TypeAlias = Callable[[JsonObject], object]


def _npy_bytes(array: object) -> str:
    # Imported when a value needs it: either side may run where numpy is not installed
    # (a CPU profile has no torch), and importing it costs the start of every sandbox.
    import numpy

    buffer = io.BytesIO()
    numpy.save(buffer, numpy.asarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _npy_array(text: str) -> object:
    # As in _npy_bytes: numpy only when an array crosses.
    import numpy

    data = base64.b64decode(text.encode("ascii"), validate=True)
    return numpy.load(io.BytesIO(data), allow_pickle=False)


def encode(value: object, handle_of: HandleOf | None = None, depth: int = 0) -> Json:
    """Turn a value into JSON-able plain data. Objects that are not plain go through
    `handle_of`; without it they raise NotPlain."""
    if depth > MAX_DEPTH:
        raise NotPlain("nested too deeply")
    kind = type(value)
    if value is None or isinstance(value, (bool, str, int)) and kind in (bool, str, int):
        return value  # exactly these types: a subclass may not pass for plain data
    if isinstance(value, float) and kind is float:
        if math.isfinite(value):
            return value
        return {TAG: Tag.FLOAT, TAGGED: repr(value)}
    if isinstance(value, list) and kind is list:
        return [encode(item, handle_of, depth + 1) for item in value]
    if isinstance(value, tuple) and kind is tuple:
        return {TAG: Tag.TUPLE, TAGGED: [encode(item, handle_of, depth + 1) for item in value]}
    if isinstance(value, dict) and kind is dict:
        if all(type(key) is str for key in value) and TAG not in value:
            return {key: encode(item, handle_of, depth + 1) for key, item in value.items()}
        pairs: list[Json] = [
            [encode(key, handle_of, depth + 1), encode(item, handle_of, depth + 1)]
            for key, item in value.items()
        ]
        return {TAG: Tag.DICT, TAGGED: pairs}
    if isinstance(value, bytes) and kind is bytes:
        return {TAG: Tag.BYTES, TAGGED: base64.b64encode(value).decode("ascii")}
    if isinstance(value, complex) and kind is complex:
        return {TAG: Tag.COMPLEX, TAGGED: [repr(value.real), repr(value.imag)]}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if kind is numpy.ndarray:
            dtype = getattr(value, "dtype")  # noqa: B009 - an ndarray, typed as object here
            if dtype.hasobject or dtype.fields is not None:
                return _handle(value, handle_of)
            return {TAG: Tag.NDARRAY, TAGGED: _npy_bytes(value)}
        if isinstance(value, numpy.generic) and kind.__module__ == "numpy":
            if isinstance(value, (numpy.object_, numpy.void)):
                return _handle(value, handle_of)
            return {TAG: Tag.NPSCALAR, TAGGED: _npy_bytes(numpy.asarray(value))}
    torch = sys.modules.get("torch")
    if torch is not None and kind in (torch.Tensor, torch.nn.Parameter):
        return _encode_tensor(value, torch)
    return _handle(value, handle_of)


def _encode_tensor(value: object, torch: object) -> Json:
    # Both are typed as object: torch is imported only where the learner or the tests did.
    tensor, module = getattr(value, "detach")(), torch  # noqa: B009
    data = tensor.to("cpu")
    if data.dtype in (module.bfloat16,):  # type: ignore[attr-defined]
        data = data.to(module.float32)  # type: ignore[attr-defined]
    try:
        array = data.numpy()
    except (TypeError, RuntimeError) as error:
        raise NotPlain(str(error)) from None
    return {
        TAG: Tag.TENSOR,
        TAGGED: _npy_bytes(array),
        DTYPE: str(tensor.dtype),
        REQUIRES_GRAD: bool(getattr(value, "requires_grad")),  # noqa: B009
        PARAMETER: type(value) is module.nn.Parameter,  # type: ignore[attr-defined]
        DEVICE: str(tensor.device),
    }


def _handle(value: object, handle_of: HandleOf | None) -> Json:
    if handle_of is None:
        raise NotPlain(f"a {type(value).__name__} object is not plain data")
    reference = handle_of(value)
    if isinstance(reference, dict):
        return reference
    return {TAG: Tag.HANDLE, ID: reference, TYPE: type(value).__name__[:80]}


def decode(
    data: Json,
    make_handle: MakeHandle | None = None,
    depth: int = 0,
    hooks: Mapping[str, Hook] | None = None,
) -> object:
    """The inverse of `encode`, for data that passed `schema.check_value`. `make_handle(id,
    type_name)` builds the local stand-in for a handle; `hooks` maps the tags REF and CALLBACK
    to functions of the tagged object (each side accepts only what it expects)."""
    if depth > MAX_DEPTH:
        raise Malformed("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, make_handle, depth + 1, hooks) for item in data]
    if not isinstance(data, dict):
        raise Malformed("unexpected value on the wire")
    tag = data.get(TAG)
    if tag is None:
        return {key: decode(item, make_handle, depth + 1, hooks) for key, item in data.items()}
    value = data.get(TAGGED)
    if tag == Tag.FLOAT:
        if value not in ("nan", "inf", "-inf"):
            raise Malformed("bad float")
        return float(str(value))
    if tag == Tag.TUPLE:
        return tuple(decode(item, make_handle, depth + 1, hooks) for item in _items(value))
    if tag == Tag.DICT:
        return _decode_dict(_items(value), make_handle, depth, hooks)
    if tag == Tag.BYTES:
        return base64.b64decode(str(value).encode("ascii"), validate=True)
    if tag == Tag.COMPLEX:
        real, imaginary = _items(value)
        return complex(float(str(real)), float(str(imaginary)))
    if tag == Tag.NDARRAY:
        return _npy_array(str(value))
    if tag == Tag.NPSCALAR:
        return _npy_array(str(value))[()]  # type: ignore[index]  # a NumPy array
    if tag == Tag.TENSOR:
        return _decode_tensor(data)
    if tag == Tag.HANDLE:
        if make_handle is None:
            raise Malformed("handles are not accepted here")
        return make_handle(int(str(data[ID])), str(data.get(TYPE, "object")))
    if hooks is not None and isinstance(tag, str) and tag in hooks:
        return hooks[tag](data)
    raise Malformed(f"unknown tag {str(tag)[:40]!r}")


def _items(value: Json) -> list[Json]:
    if not isinstance(value, list):
        raise Malformed("tagged items that are not a list")
    return value


def _decode_dict(
    pairs: list[Json], make_handle: MakeHandle | None, depth: int, hooks: Mapping[str, Hook] | None
) -> dict[object, object]:
    items = []
    hashes: dict[int, int] = {}
    for pair in pairs:
        key_data, item = _items(pair)
        key = decode(key_data, make_handle, depth + 1, hooks)
        try:
            key_hash = hash(key)
        except TypeError:
            raise Malformed("unhashable dict key") from None
        # Keys that share a hash make each insertion compare against all earlier ones: count
        # them before any dict is built from them.
        hashes[key_hash] = hashes.get(key_hash, 0) + 1
        if hashes[key_hash] > MAX_SAME_HASH:
            raise Malformed("too many dict keys with the same hash")
        items.append((key, decode(item, make_handle, depth + 1, hooks)))
    return dict(items)


def _decode_tensor(data: JsonObject) -> object:
    # Imported when a value needs it: either side may run where torch is not installed
    # (a CPU profile has no torch), and importing it costs the start of every sandbox.
    import torch

    array = _npy_array(str(data[TAGGED]))
    tensor = torch.from_numpy(array.copy())  # type: ignore[attr-defined]
    dtype_name = str(data.get(DTYPE, ""))
    if dtype_name.startswith("torch."):
        dtype = getattr(torch, dtype_name[len("torch.") :], None)
        if isinstance(dtype, torch.dtype) and dtype != tensor.dtype:
            tensor = tensor.to(dtype)
    if data.get(PARAMETER):
        return torch.nn.Parameter(tensor, requires_grad=bool(data.get(REQUIRES_GRAD)))
    if data.get(REQUIRES_GRAD) and (tensor.is_floating_point() or tensor.is_complex()):
        tensor.requires_grad_(True)
    return tensor


# --- The job's folder, as both programs find it --------------------------------------------

DATA_DIRECTORY = "/job/data"


def stage_data_files() -> None:
    """Copy the exercise's data files (read-only under /job/data) into the working directory,
    a private /tmp, where code opens them by relative path as in nbgrader's submission folder.
    Both sides call it before any cell runs. Contents only: the working directory's own mode
    and owner stay as the sandbox made them."""
    for folder, _, names in os.walk(DATA_DIRECTORY):
        target = os.path.join(os.getcwd(), os.path.relpath(folder, DATA_DIRECTORY))
        os.makedirs(target, exist_ok=True)
        for name in names:
            shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))
