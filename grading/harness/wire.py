"""Plain data on the wire between the learner and test sandboxes.

One message is one line of JSON. Values that JSON cannot carry are tagged objects under the key
"__t": tuples, dicts with non-string keys, bytes, complex numbers, NumPy arrays and scalars and
torch tensors (as .npy bytes, never pickle), handles (opaque references to objects that stay in
the learner's process), name references and callbacks (functions that stay in the test process).
Decoding never executes anything from the message.

Whatever the learner's process writes is hostile input. `parse_line` bounds a line's size and its
element count before JSON builds anything from it; `check_value` and the `check_*` message
checks walk the parsed data against a strict schema (tags, key types, depth, counts, .npy headers
whose sizes add up) before `decode` builds arrays or dicts from it. Both the grader and the test
sandbox run them; a violation is a `Malformed` with a plain reason.
"""

import ast
import base64
import binascii
import io
import json
import math
import os
import re
import struct
import sys

TAG = "__t"
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

_NPY_DESCR = re.compile(r"^[<>|=]?([biufcSUmM])(\d{1,3})(\[[A-Za-z0-9]{1,8}\])?$")
_FLOAT_TEXT = re.compile(r"^[-+]?(inf|nan|infinity|(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$", re.I)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_TORCH_DTYPE = re.compile(r"^torch\.[a-z0-9_]{1,40}$")


class Malformed(ValueError):
    """A message that breaks the protocol: too large, too deep, or not of the agreed shape."""


class NotPlain(Exception):
    """The value cannot cross as plain data; the learner side sends a handle instead."""


def _npy_bytes(array):
    import numpy

    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _npy_array(text):
    import numpy

    data = base64.b64decode(text.encode("ascii"), validate=True)
    return numpy.load(io.BytesIO(data), allow_pickle=False)


def encode(value, handle_of=None, depth=0):
    """Turn a value into JSON-able plain data. `handle_of(obj)` returns a handle id (or a whole
    tagged reference) for objects that are not plain; without it such objects raise NotPlain."""
    if depth > MAX_DEPTH:
        raise NotPlain("nested too deeply")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value
    if kind is float:
        if math.isfinite(value):
            return value
        return {TAG: "float", "v": repr(value)}
    if kind is list:
        return [encode(item, handle_of, depth + 1) for item in value]
    if kind is tuple:
        return {TAG: "tuple", "v": [encode(item, handle_of, depth + 1) for item in value]}
    if kind is dict:
        if all(type(key) is str for key in value) and TAG not in value:
            return {key: encode(item, handle_of, depth + 1) for key, item in value.items()}
        return {
            TAG: "dict",
            "v": [
                [encode(key, handle_of, depth + 1), encode(item, handle_of, depth + 1)]
                for key, item in value.items()
            ],
        }
    if kind is bytes:
        return {TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
    if kind is complex:
        return {TAG: "complex", "v": [repr(value.real), repr(value.imag)]}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if kind is numpy.ndarray:
            if value.dtype.hasobject or value.dtype.fields is not None:
                return _handle(value, handle_of)
            return {TAG: "ndarray", "v": _npy_bytes(value)}
        if isinstance(value, numpy.generic) and kind.__module__ == "numpy":
            if isinstance(value, (numpy.object_, numpy.void)):
                return _handle(value, handle_of)
            return {TAG: "npscalar", "v": _npy_bytes(numpy.asarray(value))}
    torch = sys.modules.get("torch")
    if torch is not None and kind in (torch.Tensor, torch.nn.Parameter):
        return _encode_tensor(value, torch)
    return _handle(value, handle_of)


def _encode_tensor(value, torch):
    dtype = str(value.dtype)
    data = value.detach().to("cpu")
    if data.dtype in (torch.bfloat16,):
        data = data.to(torch.float32)
    try:
        array = data.numpy()
    except (TypeError, RuntimeError) as error:
        raise NotPlain(str(error)) from None
    return {
        TAG: "tensor",
        "v": _npy_bytes(array),
        "dtype": dtype,
        "requires_grad": bool(value.requires_grad),
        "parameter": type(value) is torch.nn.Parameter,
        "device": str(value.device),
    }


def _handle(value, handle_of):
    if handle_of is None:
        raise NotPlain(f"a {type(value).__name__} object is not plain data")
    reference = handle_of(value)
    if isinstance(reference, dict):
        return reference
    return {TAG: "handle", "id": reference, "type": type(value).__name__[:80]}


def decode(data, make_handle=None, depth=0, hooks=None):
    """The inverse of `encode`, for data that passed `check_value`. `make_handle(id, type_name)`
    builds the local stand-in for a handle; `hooks` maps the tags "ref" and "callback" to
    functions of the tagged object (each side accepts only what it expects)."""
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
    value = data.get("v")
    if tag == "float":
        if value not in ("nan", "inf", "-inf"):
            raise Malformed("bad float")
        return float(value)
    if tag == "tuple":
        return tuple(decode(item, make_handle, depth + 1, hooks) for item in value)
    if tag == "dict":
        pairs = []
        hashes = {}
        for key, item in value:
            key = decode(key, make_handle, depth + 1, hooks)
            try:
                key_hash = hash(key)
            except TypeError:
                raise Malformed("unhashable dict key") from None
            # Keys that share a hash make each insertion compare against all earlier ones:
            # count them before any dict is built from them.
            hashes[key_hash] = hashes.get(key_hash, 0) + 1
            if hashes[key_hash] > MAX_SAME_HASH:
                raise Malformed("too many dict keys with the same hash")
            pairs.append((key, decode(item, make_handle, depth + 1, hooks)))
        return dict(pairs)
    if tag == "bytes":
        return base64.b64decode(value.encode("ascii"), validate=True)
    if tag == "complex":
        return complex(float(value[0]), float(value[1]))
    if tag == "ndarray":
        return _npy_array(value)
    if tag == "npscalar":
        return _npy_array(value)[()]
    if tag == "tensor":
        return _decode_tensor(data)
    if tag == "handle":
        if make_handle is None:
            raise Malformed("handles are not accepted here")
        return make_handle(int(data["id"]), str(data.get("type", "object")))
    if hooks is not None and tag in hooks:
        return hooks[tag](data)
    raise Malformed(f"unknown tag {str(tag)[:40]!r}")


def _decode_tensor(data):
    import torch

    array = _npy_array(data["v"])
    tensor = torch.from_numpy(array.copy())
    dtype_name = str(data.get("dtype", ""))
    if dtype_name.startswith("torch."):
        dtype = getattr(torch, dtype_name[len("torch.") :], None)
        if isinstance(dtype, torch.dtype) and dtype != tensor.dtype:
            tensor = tensor.to(dtype)
    if data.get("parameter"):
        return torch.nn.Parameter(tensor, requires_grad=bool(data.get("requires_grad")))
    if data.get("requires_grad") and (tensor.is_floating_point() or tensor.is_complex()):
        tensor.requires_grad_(True)
    return tensor


def dumps(message):
    return (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def loads(line):
    """Parse a line from a trusted peer (the grader reading the test sandbox)."""
    return json.loads(line.decode("utf-8"))


# --- Checking what an untrusted peer sent, before anything is built from it -----------------


def _no_constant(name):
    raise Malformed(f"{name} is not JSON")


def parse_line(line, limit=MAX_LINE_BYTES):
    """JSON from an untrusted line, bounded before parsing: its size, and the number of values
    it can hold (every value but the first follows a comma or opens a bracket). The counts also
    see commas and brackets inside strings, so they only overestimate."""
    if len(line) > limit:
        raise Malformed(f"a message of {len(line)} bytes is larger than the limit of {limit}")
    elements = line.count(b",") + line.count(b"[") + line.count(b"{")
    if elements > MAX_ELEMENTS:
        raise Malformed(f"a message with more than {MAX_ELEMENTS} values")
    try:
        return json.loads(line, parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("a message nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed(f"a message that is not JSON ({str(error)[:200]})") from None


def fits(line, limit=MAX_LINE_BYTES):
    """Whether `parse_line` would accept a line on size and counts (the sender checks first)."""
    elements = line.count(b",") + line.count(b"[") + line.count(b"{")
    return len(line) <= limit and elements <= MAX_ELEMENTS


class Budget:
    """What one message may still hold while it is checked."""

    def __init__(self):
        self.dict_keys = MAX_DICT_KEYS


FROM_LEARNER = frozenset({"handle", "callback"})
TO_LEARNER = frozenset({"handle", "ref", "callback"})
_KEY_TAGS = frozenset({"float", "tuple", "bytes", "complex", "npscalar"})


def _text(value, what, limit=MAX_TEXT):
    if type(value) is not str or len(value) > limit:
        raise Malformed(f"{what} is not a string of at most {limit} characters")
    return value


def _exact_keys(data, keys, what):
    if set(data) != keys:
        raise Malformed(f"{what} has the keys {sorted(data)[:10]}, not {sorted(keys)}")


def _small_int(value, what):
    if type(value) is not int or not 0 <= value < HANDLE_LIMIT:
        raise Malformed(f"{what} is not a non-negative integer")
    return value


def check_value(data, tags=FROM_LEARNER, budget=None, depth=0, key=False):
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
        for item in data:
            check_value(item, tags, budget, depth + 1)
        return
    if type(data) is not dict:
        raise Malformed("a value of an unknown kind")
    if TAG not in data:
        if key:
            raise Malformed("a dict cannot be a dict key")
        for item in data.values():
            check_value(item, tags, budget, depth + 1)
        return
    tag = data[TAG]
    if key and tag not in _KEY_TAGS:
        raise Malformed(f"a {str(tag)[:40]!r} cannot be a dict key")
    value = data.get("v")
    if tag == "float":
        _exact_keys(data, {TAG, "v"}, "a float")
        if value not in ("nan", "inf", "-inf"):
            raise Malformed("a tagged float that is not nan or inf")
    elif tag == "tuple":
        _exact_keys(data, {TAG, "v"}, "a tuple")
        if type(value) is not list:
            raise Malformed("a tuple whose items are not a list")
        for item in value:
            check_value(item, tags, budget, depth + 1, key=key)
    elif tag == "dict":
        _exact_keys(data, {TAG, "v"}, "a dict")
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
    elif tag == "bytes":
        _exact_keys(data, {TAG, "v"}, "bytes")
        _base64(value, "bytes")
    elif tag == "complex":
        _exact_keys(data, {TAG, "v"}, "a complex number")
        if type(value) is not list or len(value) != 2:
            raise Malformed("a complex number that is not two parts")
        for part in value:
            if type(part) is not str or len(part) > 64 or not _FLOAT_TEXT.match(part):
                raise Malformed("a complex number part that is not a float literal")
    elif tag in ("ndarray", "npscalar"):
        _exact_keys(data, {TAG, "v"}, f"an {tag}")
        shape = check_npy(_base64(value, tag))
        if tag == "npscalar" and shape != ():
            raise Malformed("a NumPy scalar with a shape")
    elif tag == "tensor":
        _exact_keys(data, {TAG, "v", "dtype", "requires_grad", "parameter", "device"}, "a tensor")
        check_npy(_base64(value, "tensor"))
        if type(data["dtype"]) is not str or not _TORCH_DTYPE.match(data["dtype"]):
            raise Malformed("a tensor with an unknown dtype")
        if type(data["requires_grad"]) is not bool or type(data["parameter"]) is not bool:
            raise Malformed("a tensor whose flags are not booleans")
        _text(data["device"], "a tensor's device", 64)
    elif tag == "handle" and "handle" in tags:
        _exact_keys(data, {TAG, "id", "type"}, "a handle")
        _small_int(data["id"], "a handle id")
        _text(data["type"], "a handle's type name", 200)
    elif tag == "callback" and "callback" in tags:
        _exact_keys(data, {TAG, "id"}, "a callback")
        _small_int(data["id"], "a callback id")
    elif tag == "ref" and "ref" in tags:
        _exact_keys(data, {TAG, "name"}, "a name reference")
        if not _text(data["name"], "a name", 200).isidentifier():
            raise Malformed("a name reference that is not an identifier")
    else:
        raise Malformed(f"an unknown tag {str(tag)[:40]!r}")


def _base64(text, what):
    if type(text) is not str or len(text) % 4 or not _BASE64.match(text):
        raise Malformed(f"{what} that is not base64")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"{what} that is not base64") from None


def check_npy(data):
    """The shape of a .npy file whose header is sound and whose data is exactly as long as the
    header says (NumPy allocates what the header claims before it reads). Plain dtypes only."""
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise Malformed("an array that is not .npy data")
    major = data[6]
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


def _check_description(description, what):
    if type(description) is not dict:
        raise Malformed(f"{what} is not an object")
    kind = description.get("kind")
    if kind == "plain":
        _exact_keys(description, {"kind", "value"}, what)
        check_value(description["value"], FROM_LEARNER)
    elif kind == "object":
        _exact_keys(description, {"kind", "type", "callable", "handle"}, what)
        _text(description["type"], f"{what}'s type", 200)
        if type(description["callable"]) is not bool:
            raise Malformed(f"{what}'s callable flag is not a boolean")
        _small_int(description["handle"], f"{what}'s handle")
    else:
        raise Malformed(f"{what} is neither plain nor an object")


def _check_names(names, what):
    if type(names) is not dict or len(names) > MAX_NAMES:
        raise Malformed(f"{what} is not an object of at most {MAX_NAMES} names")
    for name, description in names.items():
        if len(name) > 200 or not name.isidentifier():
            raise Malformed(f"{what} holds a name that is not an identifier")
        _check_description(description, f"the description of {name!r}")


def check_ready(message):
    """The learner side's first message: how its cells ran and the names it defined."""
    if type(message) is not dict:
        raise Malformed("the first message is not an object")
    _exact_keys(message, {"ready", "cells", "names", "setup"}, "the first message")
    if message["ready"] is not True:
        raise Malformed("the first message does not say ready")
    cells = message["cells"]
    if type(cells) is not list or len(cells) > MAX_CELLS:
        raise Malformed("the first message's cells are not a list")
    for cell in cells:
        if type(cell) is not dict:
            raise Malformed("a cell status is not an object")
        _exact_keys(cell, {"id", "ok", "error"}, "a cell status")
        _text(cell["id"], "a cell id", 200)
        if type(cell["ok"]) is not bool:
            raise Malformed("a cell status's ok is not a boolean")
        if cell["error"] is not None:
            _text(cell["error"], "a cell's error")
    _check_names(message["names"], "the names")
    _check_names(message["setup"], "the setup names")
    return message


def _check_error(error):
    if type(error) is not dict:
        raise Malformed("an error that is not an object")
    if not set(error) <= {"type", "message", "traceback"} or "type" not in error:
        raise Malformed("an error with unknown keys")
    for name, text in error.items():
        _text(text, f"an error's {name}")


def check_reply(message):
    """A learner-side answer to a request: {"seq", "ok": true, "value"} or {"seq", "ok": false,
    "error"}, either with an optional "changed": the learner's plain globals that the request
    changed, as descriptions."""
    if type(message) is not dict:
        raise Malformed("an answer that is not an object")
    _small_int(message.get("seq"), "an answer's seq")
    keys = set(message) - {"changed"}
    if message.get("ok") is True:
        _exact_keys(dict.fromkeys(keys), {"seq", "ok", "value"}, "an answer")
        check_value(message["value"], FROM_LEARNER)
    elif message.get("ok") is False:
        _exact_keys(dict.fromkeys(keys), {"seq", "ok", "error"}, "an answer")
        _check_error(message["error"])
    else:
        raise Malformed("an answer whose ok is not a boolean")
    if "changed" in message:
        _check_names(message["changed"], "the changed names")
        for description in message["changed"].values():
            if description["kind"] != "plain":
                raise Malformed("a changed name that is not plain data")
    return message


def check_callback_request(message):
    """A learner-side call of a function the tests passed in: {"cb", "callback", "args",
    "kwargs"}."""
    _exact_keys(message, {"cb", "callback", "args", "kwargs"}, "a callback request")
    _small_int(message["cb"], "a callback request's number")
    _small_int(message["callback"], "a callback id")
    args, kwargs = message["args"], message["kwargs"]
    if type(args) is not list or type(kwargs) is not dict or len(args) + len(kwargs) > MAX_ARGS:
        raise Malformed("a callback request whose arguments are not a list and an object")
    budget = Budget()
    for item in args:
        check_value(item, FROM_LEARNER, budget)
    for name, item in kwargs.items():
        _text(name, "a keyword argument's name", 200)
        check_value(item, FROM_LEARNER, budget)
    return message


def check_learner_message(message):
    """Anything the learner side may send after its first message: an answer or a callback."""
    if type(message) is dict and "callback" in message:
        return check_callback_request(message)
    return check_reply(message)


DATA_DIRECTORY = "/job/data"


def stage_data_files():
    """Copy the exercise's data files (read-only under /job/data) into the working directory,
    a private /tmp, where code opens them by relative path as in nbgrader's submission folder.
    Both sides call it before any cell runs. Contents only: the working directory's own mode
    and owner stay as the sandbox made them."""
    import shutil

    for folder, _, names in os.walk(DATA_DIRECTORY):
        target = os.path.join(os.getcwd(), os.path.relpath(folder, DATA_DIRECTORY))
        os.makedirs(target, exist_ok=True)
        for name in names:
            shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))
