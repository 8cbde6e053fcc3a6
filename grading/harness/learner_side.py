"""Runs the learner's notebook cells, then answers the test sandbox's requests.

Started inside the learner sandbox as `python /job/learner_side.py`. It reads /job/cells.json
(setup cells and the learner's answer cells, in notebook order; never a test cell), runs them in
one namespace, then serves one request per line on stdin and answers on the original stdout.
Everything learner code prints goes to stderr, so it cannot interleave with the protocol.
A function the tests hand over (a spy or stub put in place of a learner name, or an argument) is
a `Callback` here: calling it sends a callback request up and serves the test side's requests
until its answer comes back. Nothing here is trusted by the grader: whatever this process
answers is treated as the learner's own return value, and verdicts are decided elsewhere.
"""

import json
import os
import sys
import traceback

sys.path.insert(0, "/job")
import wire  # noqa: E402

MAX_REPR = 2000
PLAIN_NAME_BYTES = 4_000_000  # a learner name's value sent whole in the first message
PLAIN_TOTAL_BYTES = 8_000_000  # all of them together; the rest are fetched when asked for
WATCHED_BYTES = 256_000  # mutable plain globals compared after each request, all together


def main():
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    protocol_in = os.fdopen(os.dup(0), "rb", buffering=0)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = sys.stderr
    wire.stage_data_files()
    with open("/job/cells.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    statuses = []
    learner_names = set()
    setup_values = {}
    for cell in spec["cells"]:
        before = {name: id(value) for name, value in namespace.items()}
        error = run_cell(cell, namespace)
        statuses.append({"id": cell["id"], "ok": error is None, "error": error})
        changed = [name for name, value in namespace.items() if before.get(name) != id(value)]
        if cell["kind"] == "answer":
            learner_names.update(changed)
        else:
            # What the author's setup cell bound, kept before any later learner code can rebind
            # the name: the tests' `learner.NAME` reaches this object, not the learner's one.
            setup_values.update((name, namespace[name]) for name in changed)
    server = Server(namespace, protocol_in, protocol_out)
    names = server.describe_all(
        {name: namespace[name] for name in learner_names if usable(name, namespace)}
    )
    setup = {}
    for name, value in sorted(setup_values.items()):
        if not name.startswith("__"):
            setup[name] = server.describe_object(value)
    server.watch(names)
    server.send({"ready": True, "cells": statuses, "names": names, "setup": setup})
    server.serve(until=None)


def usable(name, namespace):
    return not name.startswith("__") and name in namespace and name.isidentifier()


def run_cell(cell, namespace):
    try:
        code = compile(cell["source"], f"<cell {cell['id']}>", "exec")
        exec(code, namespace)
    except BaseException as error:  # noqa: BLE001 - SystemExit too: the next cell still runs
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        print(text, file=sys.stderr)
        return f"{type(error).__name__}: {error}"[:MAX_REPR]
    return None


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


class Callback:
    """Stands in the learner's namespace for a function the tests passed in (a spy, a stub).
    Calling it asks the test sandbox to run that function; only plain data comes back."""

    def __init__(self, server, callback_id):
        self._server = server
        self._id = callback_id

    def __call__(self, *args, **kwargs):
        return self._server.call_back(self._id, args, kwargs)

    def __repr__(self):
        return f"<function from the tests #{self._id}>"


class Server:
    def __init__(self, namespace, protocol_in, protocol_out):
        self.namespace = namespace
        self.protocol_in = protocol_in
        self.protocol_out = protocol_out
        self.handles = {}
        self.handle_ids = {}
        self.next_handle = 1
        self.next_callback = 1
        self.callbacks = {}
        self.watched = {}

    def send(self, message):
        try:
            data = wire.dumps(message)
        except (TypeError, ValueError) as error:
            data = None
            failure = error
        else:
            failure = wire.Malformed(
                f"the answer is larger than the grader accepts ({len(data)} bytes; at most "
                f"{wire.MAX_LINE_BYTES} bytes and {wire.MAX_ELEMENTS} values)"
            )
        if data is None or not wire.fits(data):
            reply = error_reply(failure)
            for key in ("seq", "cb"):
                if key in message:
                    reply[key] = message[key]
            data = wire.dumps(reply)
        self.protocol_out.write(data)

    def serve(self, until):
        """Answer requests until the test side answers callback number `until` (None: until
        the input ends). Requests arriving while a callback waits are answered first, as the
        test's function may call back into learner code."""
        while True:
            line = self.protocol_in.readline()
            if not line:
                if until is None:
                    return None
                raise ConnectionError("the tests are no longer running")
            try:
                request = wire.loads(line)
            except ValueError:
                continue
            if not isinstance(request, dict):
                continue
            if "cb" in request:
                if request["cb"] == until:
                    return request
                continue  # the answer to a callback given up on
            sequence = request.get("seq")
            try:
                reply = self.handle(request)
            except BaseException as error:  # noqa: BLE001 - every failure is an answer
                reply = error_reply(error)
            reply["seq"] = sequence
            changed = self.changed_globals()
            if changed:
                reply["changed"] = changed
            self.send(reply)

    def watch(self, names):
        """Remember the learner's globals sent as plain data, so that a request that changes
        one (a function doing `global counter; counter += 1`, or appending to a list) can
        report its new value: the tests read it as they would in one kernel."""
        self.watched = {}
        budget = WATCHED_BYTES
        for name, description in names.items():
            if description["kind"] != "plain":
                continue
            value = self.namespace.get(name)
            fingerprint = None
            if isinstance(value, (list, dict, set, bytearray)) or hasattr(value, "__array__"):
                fingerprint = json.dumps(description["value"])
                if len(fingerprint) > budget:
                    continue  # too large to compare after every request: read when it was sent
                budget -= len(fingerprint)
            self.watched[name] = (id(value), fingerprint)

    def changed_globals(self):
        changed = {}
        for name, (identity, fingerprint) in list(self.watched.items()):
            if name not in self.namespace:
                continue
            value = self.namespace[name]
            try:
                if id(value) == identity and fingerprint is None:
                    continue
                encoded = wire.encode(value)
                text = json.dumps(encoded)
            except (wire.NotPlain, TypeError, ValueError, RecursionError):
                continue
            if id(value) == identity and text == fingerprint:
                continue
            if len(text) > PLAIN_NAME_BYTES:
                del self.watched[name]
                continue
            mutable = fingerprint is not None or isinstance(value, (list, dict))
            self.watched[name] = (id(value), text if mutable else None)
            changed[name] = {"kind": "plain", "value": encoded}
        return changed

    def call_back(self, callback_id, args, kwargs):
        number = self.next_callback
        self.next_callback += 1
        self.send(
            {
                "cb": number,
                "callback": callback_id,
                "args": [wire.encode(item, self.handle_of) for item in args],
                "kwargs": {
                    str(key): wire.encode(item, self.handle_of) for key, item in kwargs.items()
                },
            }
        )
        reply = self.serve(until=number)
        if reply.get("ok") is True:
            return wire.decode(reply.get("value"), self.lookup, hooks=self.hooks())
        raise test_exception(reply.get("error"))

    def handle_of(self, value):
        if isinstance(value, Callback):
            return {wire.TAG: "callback", "id": value._id}
        existing = self.handle_ids.get(id(value))
        if existing is not None and self.handles.get(existing) is value:
            return existing
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = value
        self.handle_ids[id(value)] = handle
        return handle

    def lookup(self, handle, type_name):
        if handle not in self.handles:
            raise LookupError(f"unknown handle {handle}")
        return self.handles[handle]

    def hooks(self):
        return {"ref": self.resolve_name, "callback": self.callback_for}

    def resolve_name(self, reference):
        name = reference["name"]
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return self.namespace[name]

    def callback_for(self, reference):
        callback_id = int(reference["id"])
        if callback_id not in self.callbacks:
            self.callbacks[callback_id] = Callback(self, callback_id)
        return self.callbacks[callback_id]

    def describe_object(self, value):
        return {
            "kind": "object",
            "type": type(value).__name__[:80],
            "callable": callable(value),
            "handle": self.handle_of(value) if not isinstance(value, Callback) else 0,
        }

    def describe_all(self, values):
        """Each name as plain data when it is small, else as a handle to the object."""
        names = {}
        total = 0
        for name in sorted(values):
            value = values[name]
            try:
                encoded = wire.encode(value)
                size = len(json.dumps(encoded))
                if size < PLAIN_NAME_BYTES and total + size < PLAIN_TOTAL_BYTES:
                    total += size
                    names[name] = {"kind": "plain", "value": encoded}
                    continue
            except (wire.NotPlain, TypeError, ValueError, RecursionError):
                pass
            names[name] = self.describe_object(value)
        return names

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

    def decode(self, data):
        return wire.decode(data, self.lookup, hooks=self.hooks())

    def handle(self, request):
        operation = request["op"]
        if operation == "delete":
            name = request["target"]["name"]
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined")
            del self.namespace[name]
            return {"ok": True, "value": None}
        args = [self.decode(item) for item in request.get("args", [])]
        kwargs = {key: self.decode(item) for key, item in request.get("kwargs", {}).items()}
        if operation == "assign":
            self.namespace[str(request["target"]["name"])] = args[0]
            return {"ok": True, "value": None}
        target = self.target(request)
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


def test_exception(error):
    """An exception a test's function raised, as the same built-in type here."""
    import builtins

    if not isinstance(error, dict):
        return RuntimeError("the tests' function failed")
    name = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))[:MAX_REPR]
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message)
        except Exception:  # noqa: BLE001 - some built-ins need other arguments
            pass
    return RuntimeError(f"{name}: {message}")


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
