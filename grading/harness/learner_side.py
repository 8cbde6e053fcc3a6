"""Runs the learner's notebook cells, then answers the test sandbox's requests.

Started inside the learner sandbox as `python /job/learner_side.py`. It reads /job/cells.json
(setup cells and the learner's answer cells, in notebook order; never a test cell), runs them in
one namespace, then serves one request per line on stdin and answers on the original stdout.
Everything learner code prints goes to stderr, so it cannot interleave with the protocol.
Nothing here is trusted by the grader: whatever this process answers is treated as the learner's
own return value, and verdicts are decided elsewhere.
"""

import json
import os
import sys
import traceback

sys.path.insert(0, "/job")
import wire  # noqa: E402

MAX_REPR = 2000


def main():
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    protocol_in = os.fdopen(os.dup(0), "rb", buffering=0)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = sys.stderr
    with open("/job/cells.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    statuses = []
    learner_names = set()
    for cell in spec["cells"]:
        before = {name: id(value) for name, value in namespace.items()}
        error = run_cell(cell, namespace)
        statuses.append({"id": cell["id"], "ok": error is None, "error": error})
        if cell["kind"] == "answer":
            for name, value in namespace.items():
                if before.get(name) != id(value):
                    learner_names.add(name)
    server = Server(namespace)
    names = {}
    for name in sorted(learner_names):
        if name.startswith("__") or name not in namespace:
            continue
        names[name] = server.describe(namespace[name])
    send(protocol_out, {"ready": True, "cells": statuses, "names": names})
    while True:
        line = protocol_in.readline()
        if not line:
            return
        sequence = None
        try:
            request = wire.loads(line)
            sequence = request.get("seq")
            reply = server.handle(request)
        except BaseException as error:  # noqa: BLE001 - every failure is an answer
            reply = error_reply(error)
        reply["seq"] = sequence
        send(protocol_out, reply)


def run_cell(cell, namespace):
    try:
        code = compile(cell["source"], f"<cell {cell['id']}>", "exec")
        exec(code, namespace)
    except BaseException as error:  # noqa: BLE001 - SystemExit too: the next cell still runs
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        print(text, file=sys.stderr)
        return f"{type(error).__name__}: {error}"[:MAX_REPR]
    return None


def send(out, message):
    try:
        data = wire.dumps(message)
    except (TypeError, ValueError) as error:
        data = wire.dumps(error_reply(error))
    out.write(data)


def error_reply(error):
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return {
        "ok": False,
        "error": {
            "type": type(error).__name__[:100],
            "message": str(error)[:MAX_REPR],
            "traceback": text[-MAX_REPR:],
        },
    }


class Server:
    def __init__(self, namespace):
        self.namespace = namespace
        self.handles = {}
        self.next_handle = 1

    def handle_of(self, value):
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = value
        return handle

    def lookup(self, handle, type_name):
        if handle not in self.handles:
            raise LookupError(f"unknown handle {handle}")
        return self.handles[handle]

    def describe(self, value):
        try:
            encoded = wire.encode(value)
            if len(json.dumps(encoded)) < 16_000_000:
                return {"kind": "plain", "value": encoded}
        except (wire.NotPlain, TypeError, ValueError):
            pass
        return {"kind": "object", "type": type(value).__name__[:80], "callable": callable(value)}

    def target(self, request):
        target = request["target"]
        if "handle" in target:
            return self.lookup(int(target["handle"]), "")
        name = target["name"]
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return self.namespace[name]

    def answer(self, value):
        return {"ok": True, "value": wire.encode(value, self.handle_of)}

    def handle(self, request):
        operation = request["op"]
        if operation == "delete":
            name = request["target"]["name"]
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined")
            del self.namespace[name]
            return {"ok": True, "value": None}
        target = self.target(request)
        args = [wire.decode(item, self.lookup) for item in request.get("args", [])]
        kwargs = {
            key: wire.decode(item, self.lookup) for key, item in request.get("kwargs", {}).items()
        }
        if operation == "call":
            return self.answer(target(*args, **kwargs))
        if operation == "getattr":
            return self.answer(getattr(target, args[0]))
        if operation == "setattr":
            setattr(target, args[0], args[1])
            return {"ok": True, "value": None}
        if operation == "getitem":
            return self.answer(target[args[0]])
        if operation == "iter":
            return self.answer(list(target))
        if operation == "len":
            return self.answer(len(target))
        if operation == "value":
            return {"ok": True, "value": wire.encode(plain_view(target))}
        if operation == "repr":
            return {"ok": True, "value": repr(target)[:MAX_REPR]}
        raise ValueError(f"unknown operation {operation!r}")


def plain_view(value):
    """The plain data an object stands for, for conversions on the test side."""
    try:
        wire.encode(value)
        return value
    except wire.NotPlain:
        pass
    numpy = sys.modules.get("numpy")
    if hasattr(value, "__array__") and numpy is not None:
        return numpy.asarray(value)
    if hasattr(value, "__float__"):
        return float(value)
    if hasattr(value, "__iter__"):
        return list(value)
    raise wire.NotPlain(f"a {type(value).__name__} object cannot be converted to plain data")


if __name__ == "__main__":
    main()
