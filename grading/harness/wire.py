"""Plain data on the wire between the learner and test sandboxes.

One message is one line of JSON. Values that JSON cannot carry are tagged objects under the key
"__t": tuples, dicts with non-string keys, bytes, complex numbers, NumPy arrays and scalars and
torch tensors (as .npy bytes, never pickle), and handles: opaque references to objects that stay
in the learner's process. Decoding never executes anything from the message.
"""

import base64
import io
import json
import math
import sys

TAG = "__t"
MAX_DEPTH = 64


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
    """Turn a value into JSON-able plain data. `handle_of(obj)` returns a handle id for objects
    that are not plain (learner side); without it such objects raise NotPlain."""
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
            if value.dtype.hasobject:
                return _handle(value, handle_of)
            return {TAG: "ndarray", "v": _npy_bytes(value)}
        if isinstance(value, numpy.generic) and kind.__module__ == "numpy":
            if isinstance(value, numpy.object_):
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
    return {TAG: "handle", "id": handle_of(value), "type": type(value).__name__[:80]}


def decode(data, make_handle=None, depth=0):
    """The inverse of `encode`. `make_handle(id, type_name)` builds the local stand-in for a
    handle; on the learner side it looks the object up in its table."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, make_handle, depth + 1) for item in data]
    if not isinstance(data, dict):
        raise ValueError("unexpected value on the wire")
    tag = data.get(TAG)
    if tag is None:
        return {key: decode(item, make_handle, depth + 1) for key, item in data.items()}
    value = data.get("v")
    if tag == "float":
        if value not in ("nan", "inf", "-inf"):
            raise ValueError("bad float")
        return float(value)
    if tag == "tuple":
        return tuple(decode(item, make_handle, depth + 1) for item in value)
    if tag == "dict":
        result = {}
        for key, item in value:
            key = decode(key, make_handle, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise ValueError("unhashable dict key") from None
            result[key] = decode(item, make_handle, depth + 1)
        return result
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
            raise ValueError("handles are not accepted here")
        return make_handle(int(data["id"]), str(data.get("type", "object")))
    raise ValueError(f"unknown tag {tag!r}")


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
    return json.loads(line.decode("utf-8"))
