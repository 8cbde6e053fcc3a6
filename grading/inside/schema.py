"""The strict schema of what an untrusted peer sends, checked before anything is built from it.

Whatever the learner's process writes is hostile input. `parse_line` bounds a line's size and its
element count before JSON builds anything from it; `check_value` and the `check_*` message
checks walk the parsed data against the protocol (tags, key types, depth, counts, .npy headers
whose sizes add up) before `protocol.decode` builds arrays or dicts from it. Both the grader's
relay and the test sandbox run them; a violation is a `Malformed` with a plain reason. Stdlib
only: it runs inside the test sandbox too.
"""

import ast
import base64
import binascii
import json
import math
import re
import struct
from collections.abc import Collection, Mapping
from typing import cast

from grading.inside.protocol import (
    ARGS,
    CALLABLE,
    CALLBACK,
    CB,
    CELLS,
    CHANGED,
    DEVICE,
    DTYPE,
    ERROR,
    FROM_LEARNER,
    HANDLE,
    HANDLE_LIMIT,
    ID,
    KIND,
    KWARGS,
    MAX_ARGS,
    MAX_CELLS,
    MAX_DEPTH,
    MAX_DICT_KEYS,
    MAX_ELEMENTS,
    MAX_LINE_BYTES,
    MAX_NAMES,
    MAX_NPY_HEADER,
    MAX_TEXT,
    MESSAGE,
    NAME,
    NAMES,
    OK,
    PARAMETER,
    READY,
    REQUIRES_GRAD,
    SEQ,
    SETUP,
    TAG,
    TAGGED,
    TRACEBACK,
    TYPE,
    VALUE,
    CallbackRequest,
    Json,
    Kind,
    Malformed,
    Ready,
    Reply,
    Tag,
    element_count,
)

_NPY_DESCR = re.compile(r"^[<>|=]?([biufcSUmM])(\d{1,3})(\[[A-Za-z0-9]{1,8}\])?$")
_FLOAT_TEXT = re.compile(r"^[-+]?(inf|nan|infinity|(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$", re.I)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_TORCH_DTYPE = re.compile(r"^torch\.[a-z0-9_]{1,40}$")
_KEY_TAGS = frozenset({Tag.FLOAT, Tag.TUPLE, Tag.BYTES, Tag.COMPLEX, Tag.NPSCALAR})


def _no_constant(name: str) -> None:
    raise Malformed(f"{name} is not JSON")


def parse_line(line: bytes, limit: int = MAX_LINE_BYTES) -> Json:
    """JSON from an untrusted line, bounded before parsing: its size, and the number of values
    it can hold."""
    if len(line) > limit:
        raise Malformed(f"a message of {len(line)} bytes is larger than the limit of {limit}")
    if element_count(line) > MAX_ELEMENTS:
        raise Malformed(f"a message with more than {MAX_ELEMENTS} values")
    try:
        parsed: Json = json.loads(line, parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("a message nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed(f"a message that is not JSON ({str(error)[:200]})") from None
    return parsed


class Budget:
    """What one message may still hold while it is checked."""

    def __init__(self) -> None:
        self.dict_keys = MAX_DICT_KEYS


def _text(value: object, what: str, limit: int = MAX_TEXT) -> str:
    if type(value) is not str or len(value) > limit:
        raise Malformed(f"{what} is not a string of at most {limit} characters")
    return value


def _exact_keys(data: Mapping[str, object], keys: Collection[str], what: str) -> None:
    if set(data) != set(keys):
        raise Malformed(f"{what} has the keys {sorted(data)[:10]}, not {sorted(keys)}")


def _small_int(value: object, what: str) -> int:
    if type(value) is not int or not 0 <= value < HANDLE_LIMIT:
        raise Malformed(f"{what} is not a non-negative integer")
    return value


def _object(value: object, what: str) -> dict[str, object]:
    if type(value) is not dict:
        raise Malformed(f"{what} is not an object")
    return cast(dict[str, object], value)  # parsed JSON: its keys are strings


def check_value(
    data: object,
    tags: Collection[str] = FROM_LEARNER,
    budget: Budget | None = None,
    depth: int = 0,
    key: bool = False,
) -> None:
    """Raise Malformed unless `data` is a value `decode` accepts, with only the special tags in
    `tags`. With `key=True`, only hashable scalar kinds and tuples of them are allowed."""
    if budget is None:
        budget = Budget()
    if depth > MAX_DEPTH:
        raise Malformed(f"a value nested deeper than {MAX_DEPTH}")
    if data is None or type(data) in (bool, int, str):
        return
    if type(data) is float:
        if not math.isfinite(data):
            raise Malformed("a float that is not finite must be tagged")
        return
    if type(data) is list:
        if key:
            raise Malformed("a list cannot be a dict key")
        for item in cast(list[object], data):
            check_value(item, tags, budget, depth + 1)
        return
    if type(data) is not dict:
        raise Malformed("a value of an unknown kind")
    tagged = cast(dict[str, object], data)
    if TAG not in tagged:
        if key:
            raise Malformed("a dict cannot be a dict key")
        for item in tagged.values():
            check_value(item, tags, budget, depth + 1)
        return
    _check_tagged(tagged, tags, budget, depth, key)


def _check_tagged(
    data: dict[str, object], tags: Collection[str], budget: Budget, depth: int, key: bool
) -> None:
    tag = data[TAG]
    if key and (type(tag) is not str or tag not in _KEY_TAGS):
        raise Malformed(f"a {str(tag)[:40]!r} cannot be a dict key")
    value = data.get(TAGGED)
    plain = (TAG, TAGGED)
    if tag == Tag.FLOAT:
        _exact_keys(data, plain, "a float")
        if value not in ("nan", "inf", "-inf"):
            raise Malformed("a tagged float that is not nan or inf")
    elif tag == Tag.TUPLE:
        _exact_keys(data, plain, "a tuple")
        if type(value) is not list:
            raise Malformed("a tuple whose items are not a list")
        for item in value:
            check_value(item, tags, budget, depth + 1, key=key)
    elif tag == Tag.DICT:
        _exact_keys(data, plain, "a dict")
        if type(value) is not list:
            raise Malformed("a dict whose items are not a list")
        budget.dict_keys -= len(value)
        if budget.dict_keys < 0:
            raise Malformed(f"more than {MAX_DICT_KEYS} non-string dict keys in one message")
        for pair in value:
            if type(pair) is not list or len(pair) != 2:
                raise Malformed("a dict item that is not a [key, value] pair")
            check_value(pair[0], tags, budget, depth + 1, key=True)
            check_value(pair[1], tags, budget, depth + 1)
    elif tag == Tag.BYTES:
        _exact_keys(data, plain, "bytes")
        _base64(value, "bytes")
    elif tag == Tag.COMPLEX:
        _exact_keys(data, plain, "a complex number")
        if type(value) is not list or len(value) != 2:
            raise Malformed("a complex number that is not two parts")
        for part in value:
            if type(part) is not str or len(part) > 64 or not _FLOAT_TEXT.match(part):
                raise Malformed("a complex number part that is not a float literal")
    elif tag in (Tag.NDARRAY, Tag.NPSCALAR):
        _exact_keys(data, plain, f"an {tag}")
        shape = check_npy(_base64(value, str(tag)))
        if tag == Tag.NPSCALAR and shape != ():
            raise Malformed("a NumPy scalar with a shape")
    elif tag == Tag.TENSOR:
        _exact_keys(data, (*plain, DTYPE, REQUIRES_GRAD, PARAMETER, DEVICE), "a tensor")
        check_npy(_base64(value, "tensor"))
        dtype = data[DTYPE]
        if type(dtype) is not str or not _TORCH_DTYPE.match(dtype):
            raise Malformed("a tensor with an unknown dtype")
        if type(data[REQUIRES_GRAD]) is not bool or type(data[PARAMETER]) is not bool:
            raise Malformed("a tensor whose flags are not booleans")
        _text(data[DEVICE], "a tensor's device", 64)
    elif tag == Tag.HANDLE and Tag.HANDLE in tags:
        _exact_keys(data, (TAG, ID, TYPE), "a handle")
        _small_int(data[ID], "a handle id")
        _text(data[TYPE], "a handle's type name", 200)
    elif tag == Tag.CALLBACK and Tag.CALLBACK in tags:
        _exact_keys(data, (TAG, ID), "a callback")
        _small_int(data[ID], "a callback id")
    elif tag == Tag.REF and Tag.REF in tags:
        _exact_keys(data, (TAG, NAME), "a name reference")
        if not _text(data[NAME], "a name", 200).isidentifier():
            raise Malformed("a name reference that is not an identifier")
    else:
        raise Malformed(f"an unknown tag {str(tag)[:40]!r}")


def _base64(text: object, what: str) -> bytes:
    if type(text) is not str or len(text) % 4 or not _BASE64.match(text):
        raise Malformed(f"{what} that is not base64")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"{what} that is not base64") from None


def check_npy(data: bytes) -> tuple[int, ...]:
    """The shape of a .npy file whose header is sound and whose data is exactly as long as the
    header says (NumPy allocates what the header claims before it reads). Plain dtypes only."""
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise Malformed("an array that is not .npy data")
    major = data[6]
    length: int
    if major == 1:
        (length,), start = struct.unpack("<H", data[8:10]), 10
    elif major in (2, 3) and len(data) >= 12:
        (length,), start = struct.unpack("<I", data[8:12]), 12
    else:
        raise Malformed("an array of an unknown .npy version")
    if length > MAX_NPY_HEADER or start + length > len(data):
        raise Malformed("an array with a bad .npy header")
    try:
        header = ast.literal_eval(data[start : start + length].decode("latin-1"))
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
        raise Malformed("an array with a bad .npy header") from None
    if type(header) is not dict or set(header) != {"descr", "fortran_order", "shape"}:
        raise Malformed("an array with a bad .npy header")
    descr, shape = header["descr"], header["shape"]
    match = _NPY_DESCR.match(descr) if type(descr) is str else None
    if match is None or type(header["fortran_order"]) is not bool:
        raise Malformed("an array of a dtype that is not plain")
    if type(shape) is not tuple or len(shape) > 32:
        raise Malformed("an array with a bad shape")
    count = 1
    for size in shape:
        if type(size) is not int or size < 0:
            raise Malformed("an array with a bad shape")
        count *= size
    itemsize = int(match.group(2)) * (4 if match.group(1) == "U" else 1)
    if itemsize == 0 or start + length + count * itemsize != len(data):
        raise Malformed("an array whose data does not match its header")
    return shape


def _check_description(description: object, what: str) -> None:
    checked = _object(description, what)
    kind = checked.get(KIND)
    if kind == Kind.PLAIN:
        _exact_keys(checked, (KIND, VALUE), what)
        check_value(checked[VALUE], FROM_LEARNER)
    elif kind == Kind.OBJECT:
        _exact_keys(checked, (KIND, TYPE, CALLABLE, HANDLE), what)
        _text(checked[TYPE], f"{what}'s type", 200)
        if type(checked[CALLABLE]) is not bool:
            raise Malformed(f"{what}'s callable flag is not a boolean")
        _small_int(checked[HANDLE], f"{what}'s handle")
    else:
        raise Malformed(f"{what} is neither plain nor an object")


def _check_names(names: object, what: str) -> dict[str, object]:
    if type(names) is not dict or len(names) > MAX_NAMES:
        raise Malformed(f"{what} is not an object of at most {MAX_NAMES} names")
    checked = cast(dict[str, object], names)
    for name, description in checked.items():
        if len(name) > 200 or not name.isidentifier():
            raise Malformed(f"{what} holds a name that is not an identifier")
        _check_description(description, f"the description of {name!r}")
    return checked


def check_ready(data: Json) -> Ready:
    """The learner side's first message: how its cells ran and the names it defined."""
    message = _object(data, "the first message")
    _exact_keys(message, (READY, CELLS, NAMES, SETUP), "the first message")
    if message[READY] is not True:
        raise Malformed("the first message does not say ready")
    cells = message[CELLS]
    if type(cells) is not list or len(cells) > MAX_CELLS:
        raise Malformed("the first message's cells are not a list")
    for cell in cells:
        status = _object(cell, "a cell status")
        _exact_keys(status, (ID, OK, ERROR), "a cell status")
        _text(status[ID], "a cell id", 200)
        if type(status[OK]) is not bool:
            raise Malformed("a cell status's ok is not a boolean")
        if status[ERROR] is not None:
            _text(status[ERROR], "a cell's error")
    _check_names(message[NAMES], "the names")
    _check_names(message[SETUP], "the setup names")
    return cast(Ready, message)


def _check_error(error: object) -> None:
    if type(error) is not dict:
        raise Malformed("an error that is not an object")
    checked = cast(dict[str, object], error)
    if not set(checked) <= {TYPE, MESSAGE, TRACEBACK} or TYPE not in checked:
        raise Malformed("an error with unknown keys")
    for name, text in checked.items():
        _text(text, f"an error's {name}")


def check_reply(data: Json) -> Reply:
    """A learner-side answer to a request: {SEQ, OK: true, VALUE} or {SEQ, OK: false, ERROR},
    either with an optional CHANGED: the learner's plain globals that the request changed, as
    descriptions."""
    message = _object(data, "an answer")
    _small_int(message.get(SEQ), "an answer's seq")
    keys = dict.fromkeys(set(message) - {CHANGED})
    if message.get(OK) is True:
        _exact_keys(keys, (SEQ, OK, VALUE), "an answer")
        check_value(message[VALUE], FROM_LEARNER)
    elif message.get(OK) is False:
        _exact_keys(keys, (SEQ, OK, ERROR), "an answer")
        _check_error(message[ERROR])
    else:
        raise Malformed("an answer whose ok is not a boolean")
    if CHANGED in message:
        changed = _check_names(message[CHANGED], "the changed names")
        for description in changed.values():
            if _object(description, "a changed name")[KIND] != Kind.PLAIN:
                raise Malformed("a changed name that is not plain data")
    return cast(Reply, message)


def check_callback_request(data: Json) -> CallbackRequest:
    """A learner-side call of a function the tests passed in: {CB, CALLBACK, ARGS, KWARGS}."""
    message = _object(data, "a callback request")
    _exact_keys(message, (CB, CALLBACK, ARGS, KWARGS), "a callback request")
    _small_int(message[CB], "a callback request's number")
    _small_int(message[CALLBACK], "a callback id")
    args, kwargs = message[ARGS], message[KWARGS]
    if type(args) is not list or type(kwargs) is not dict or len(args) + len(kwargs) > MAX_ARGS:
        raise Malformed("a callback request whose arguments are not a list and an object")
    budget = Budget()
    for item in args:
        check_value(item, FROM_LEARNER, budget)
    for name, item in kwargs.items():
        _text(name, "a keyword argument's name", 200)
        check_value(item, FROM_LEARNER, budget)
    return cast(CallbackRequest, message)


def check_learner_message(data: Json) -> Reply | CallbackRequest:
    """Anything the learner side may send after its first message: an answer or a callback."""
    if isinstance(data, dict) and CALLBACK in data:
        return check_callback_request(data)
    return check_reply(data)
