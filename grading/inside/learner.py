"""Runs the learner's notebook cells, then answers the test sandbox's requests.

Runs inside the learner sandbox (the grader ships it with `protocol.py` and `cells.py` as
/job/learner.pyz). It reads /job/cells.json (setup cells and the learner's answer cells, in
notebook order; never a test cell), runs them in one namespace, then serves one request per line
on stdin and answers on the original stdout. Everything learner code prints goes to stderr, so
it cannot interleave with the protocol. A function the tests hand over (a spy or stub put in
place of a learner name, or an argument) is a `Callback` here: calling it sends a callback
request up and serves the test side's requests until its answer comes back. Nothing here is
trusted by the grader: whatever this process answers is treated as the learner's own return
value, and verdicts are decided elsewhere.
"""

import builtins
import json
import os
import sys
import traceback
from collections.abc import Mapping
from typing import BinaryIO

from grading.inside import protocol
from grading.inside.cells import cell_frames, run_cell
from grading.inside.protocol import (
    KIND,
    CellStatus,
    Description,
    Error,
    Json,
    JsonObject,
    Kind,
    ObjectDescription,
    Op,
    PlainDescription,
    Reply,
    Tag,
)

MAX_REPR = 2000
PLAIN_NAME_BYTES = 4_000_000  # a learner name's value sent whole in the first message
PLAIN_TOTAL_BYTES = 8_000_000  # all of them together; the rest are fetched when asked for
WATCHED_BYTES = 256_000  # mutable plain globals compared after each request, all together


def main() -> None:
    # Learner code finds these two by walking its frames; that is its own business (anything
    # it writes is checked by the grader), but their names are part of what tests rely on.
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    protocol_in = os.fdopen(os.dup(0), "rb", buffering=0)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdout = sys.stderr
    protocol.stage_data_files()
    with open("/job/cells.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    statuses: list[CellStatus] = []
    learner_names: set[str] = set()
    setup_values: dict[str, object] = {}
    for cell in spec["cells"]:
        before = {name: id(value) for name, value in namespace.items()}
        error = run_cell(cell, namespace)
        statuses.append(
            {protocol.ID: cell["id"], protocol.OK: error is None, protocol.ERROR: error}
        )
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
    setup: dict[str, Description] = {}
    for name, value in sorted(setup_values.items()):
        if not name.startswith("__"):
            setup[name] = server.describe_object(value)
    server.watch(names)
    server.send(
        {
            protocol.READY: True,
            protocol.CELLS: statuses,
            protocol.NAMES: names,
            protocol.SETUP: setup,
        }
    )
    server.serve(until=None)


def usable(name: str, namespace: dict[str, object]) -> bool:
    return not name.startswith("__") and name in namespace and name.isidentifier()


def error_reply(error: BaseException) -> Reply:
    """A failed request's answer. Its traceback holds only the cells' frames (the tests show
    them under the test's own traceback), without the heading and the error's line."""
    text = "".join(traceback.format_list(cell_frames(error)))
    failure: Error = {**protocol.error_of(error, MAX_REPR), protocol.TRACEBACK: text[-MAX_REPR:]}
    return {protocol.OK: False, protocol.ERROR: failure}


class Callback:
    """Stands in the learner's namespace for a function the tests passed in (a spy, a stub).
    Calling it asks the test sandbox to run that function; only plain data comes back."""

    def __init__(self, server: "Server", callback_id: int):
        self._server = server
        self._id = callback_id

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self._server.call_back(self._id, args, kwargs)

    def __repr__(self) -> str:
        return f"<function from the tests #{self._id}>"


class Server:
    """The learner's namespace, served to the tests one request at a time."""

    def __init__(self, namespace: dict[str, object], protocol_in: BinaryIO, out: BinaryIO):
        self.namespace = namespace
        self.protocol_in = protocol_in
        self.protocol_out = out
        self.handles: dict[int, object] = {}
        self.handle_ids: dict[int, int] = {}
        self.next_handle = 1
        self.next_callback = 1
        self.callbacks: dict[int, Callback] = {}
        self.watched: dict[str, tuple[int, str | None]] = {}

    def send(self, message: Mapping[str, object]) -> None:
        failure: Exception | None = None
        try:
            data = protocol.dumps(message)
        except (TypeError, ValueError) as error:
            failure = error
        else:
            if not protocol.fits(data):
                failure = protocol.Malformed(
                    f"the answer is larger than the grader accepts ({len(data)} bytes; at most "
                    f"{protocol.MAX_LINE_BYTES} bytes and {protocol.MAX_ELEMENTS} values)"
                )
        if failure is not None:
            reply = error_reply(failure)
            sequence, number = message.get(protocol.SEQ), message.get(protocol.CB)
            if protocol.SEQ in message:
                reply[protocol.SEQ] = sequence if isinstance(sequence, int) else None
            if isinstance(number, int):
                reply[protocol.CB] = number
            data = protocol.dumps(reply)
        self.protocol_out.write(data)

    def serve(self, until: int | None) -> JsonObject | None:
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
                request = protocol.loads(line)
            except ValueError:
                continue
            if not isinstance(request, dict):
                continue
            if protocol.CB in request:
                if request[protocol.CB] == until:
                    return request
                continue  # the answer to a callback given up on
            sequence = request.get(protocol.SEQ)
            try:
                reply = self.handle(request)
            except BaseException as error:  # noqa: BLE001 - every failure is an answer
                reply = error_reply(error)
            reply[protocol.SEQ] = sequence if isinstance(sequence, int) else None
            changed = self.changed_globals()
            if changed:
                reply[protocol.CHANGED] = changed
            self.send(reply)

    def watch(self, names: dict[str, Description]) -> None:
        """Remember the learner's globals sent as plain data, so that a request that changes
        one (a function doing `global counter; counter += 1`, or appending to a list) can
        report its new value: the tests read it as they would in one kernel."""
        self.watched = {}
        budget = WATCHED_BYTES
        for name, description in names.items():
            if description[KIND] != Kind.PLAIN:
                continue
            value = self.namespace.get(name)
            fingerprint = None
            if isinstance(value, (list, dict, set, bytearray)) or hasattr(value, "__array__"):
                fingerprint = json.dumps(description[protocol.VALUE])
                if len(fingerprint) > budget:
                    continue  # too large to compare after every request: read when it was sent
                budget -= len(fingerprint)
            self.watched[name] = (id(value), fingerprint)

    def changed_globals(self) -> dict[str, PlainDescription]:
        changed: dict[str, PlainDescription] = {}
        for name, (identity, fingerprint) in list(self.watched.items()):
            if name not in self.namespace:
                continue
            value = self.namespace[name]
            try:
                if id(value) == identity and fingerprint is None:
                    continue
                encoded = protocol.encode(value)
                text = json.dumps(encoded)
            except (protocol.NotPlain, TypeError, ValueError, RecursionError):
                continue
            if id(value) == identity and text == fingerprint:
                continue
            if len(text) > PLAIN_NAME_BYTES:
                del self.watched[name]
                continue
            mutable = fingerprint is not None or isinstance(value, (list, dict))
            self.watched[name] = (id(value), text if mutable else None)
            changed[name] = {KIND: Kind.PLAIN, protocol.VALUE: encoded}
        return changed

    def call_back(
        self, callback_id: int, args: tuple[object, ...], kwargs: dict[str, object]
    ) -> object:
        number = self.next_callback
        self.next_callback += 1
        self.send(
            {
                protocol.CB: number,
                protocol.CALLBACK: callback_id,
                protocol.ARGS: [protocol.encode(item, self.handle_of) for item in args],
                protocol.KWARGS: {
                    str(key): protocol.encode(item, self.handle_of) for key, item in kwargs.items()
                },
            }
        )
        reply = self.serve(until=number)
        assert reply is not None  # serve returns None only when `until` is None
        if reply.get(protocol.OK) is True:
            return self.decode(reply.get(protocol.VALUE))
        raise exception_from_tests(reply.get(protocol.ERROR))

    def handle_of(self, value: object) -> int | JsonObject:
        if isinstance(value, Callback):
            return {protocol.TAG: Tag.CALLBACK, protocol.ID: value._id}
        existing = self.handle_ids.get(id(value))
        if existing is not None and self.handles.get(existing) is value:
            return existing
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = value
        self.handle_ids[id(value)] = handle
        return handle

    def lookup(self, handle: int, type_name: str = "") -> object:
        if handle not in self.handles:
            raise LookupError(f"unknown handle {handle}")
        return self.handles[handle]

    def resolve_name(self, reference: JsonObject) -> object:
        return self.named(str(reference[protocol.NAME]))

    def named(self, name: str) -> object:
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return self.namespace[name]

    def callback_for(self, reference: JsonObject) -> Callback:
        callback_id = int(str(reference[protocol.ID]))
        if callback_id not in self.callbacks:
            self.callbacks[callback_id] = Callback(self, callback_id)
        return self.callbacks[callback_id]

    def describe_object(self, value: object) -> ObjectDescription:
        handle = self.handle_of(value) if not isinstance(value, Callback) else 0
        assert isinstance(handle, int)  # only a Callback has a tagged reference
        return {
            KIND: Kind.OBJECT,
            protocol.TYPE: type(value).__name__[:80],
            protocol.CALLABLE: callable(value),
            protocol.HANDLE: handle,
        }

    def describe_all(self, values: dict[str, object]) -> dict[str, Description]:
        """Each name as plain data when it is small, else as a handle to the object."""
        names: dict[str, Description] = {}
        total = 0
        for name in sorted(values):
            value = values[name]
            try:
                encoded = protocol.encode(value)
                size = len(json.dumps(encoded))
                if size < PLAIN_NAME_BYTES and total + size < PLAIN_TOTAL_BYTES:
                    total += size
                    names[name] = {KIND: Kind.PLAIN, protocol.VALUE: encoded}
                    continue
            except (protocol.NotPlain, TypeError, ValueError, RecursionError):
                pass
            names[name] = self.describe_object(value)
        return names

    def target(self, request: JsonObject) -> object:
        target = request[protocol.TARGET]
        assert isinstance(target, dict)  # the test side is ours
        if protocol.HANDLE in target:
            return self.lookup(int(str(target[protocol.HANDLE])))
        return self.named(str(target[protocol.NAME]))

    def answer(self, value: object) -> Reply:
        return {protocol.OK: True, protocol.VALUE: protocol.encode(value, self.handle_of)}

    def decode(self, data: Json) -> object:
        hooks: dict[str, protocol.Hook] = {
            Tag.REF: self.resolve_name,
            Tag.CALLBACK: self.callback_for,
        }
        return protocol.decode(data, self.lookup, hooks=hooks)

    def handle(self, request: JsonObject) -> Reply:
        """One request from the test side (trusted: the grader only relays it), answered."""
        operation = request[protocol.OP]
        target = request[protocol.TARGET]
        if operation == Op.DELETE and isinstance(target, dict):
            name = str(target[protocol.NAME])
            self.named(name)
            del self.namespace[name]
            return {protocol.OK: True, protocol.VALUE: None}
        raw_args, raw_kwargs = request.get(protocol.ARGS, []), request.get(protocol.KWARGS, {})
        assert isinstance(raw_args, list) and isinstance(raw_kwargs, dict)
        args = [self.decode(item) for item in raw_args]
        kwargs = {key: self.decode(item) for key, item in raw_kwargs.items()}
        if operation == Op.ASSIGN and isinstance(target, dict):
            self.namespace[str(target[protocol.NAME])] = args[0]
            return {protocol.OK: True, protocol.VALUE: None}
        value = self.target(request)
        if operation == Op.CALL:
            return self.answer(value(*args, **kwargs))  # type: ignore[operator]
        if operation == Op.GETATTR:
            return self.answer(getattr(value, str(args[0])))
        if operation == Op.SETATTR:
            setattr(value, str(args[0]), args[1])
            return {protocol.OK: True, protocol.VALUE: None}
        if operation == Op.GETITEM:
            return self.answer(value[args[0]])  # type: ignore[index]
        if operation == Op.ITER:
            return self.answer(list(value))  # type: ignore[call-overload]
        if operation == Op.LEN:
            return self.answer(len(value))  # type: ignore[arg-type]
        if operation == Op.VALUE:
            return {protocol.OK: True, protocol.VALUE: protocol.encode(plain_view(value))}
        if operation == Op.REPR:
            return {protocol.OK: True, protocol.VALUE: repr(value)[:MAX_REPR]}
        raise ValueError(f"unknown operation {operation!r}")


def exception_from_tests(error: Json) -> Exception:
    """An exception a test's function raised, as the same built-in type here."""
    if not isinstance(error, dict):
        return RuntimeError("the tests' function failed")
    name = str(error.get(protocol.TYPE, "Exception"))
    message = str(error.get(protocol.MESSAGE, ""))[:MAX_REPR]
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message)
        except Exception:  # noqa: BLE001 - some built-ins need other arguments
            pass
    return RuntimeError(f"{name}: {message}")


def plain_view(value: object) -> object:
    """The plain data an object stands for, for conversions on the test side."""
    try:
        protocol.encode(value)
        return value
    except protocol.NotPlain:
        pass
    numpy = sys.modules.get("numpy")
    if hasattr(value, "__array__") and numpy is not None:
        return numpy.asarray(value)
    if hasattr(value, "__float__"):
        return float(value)
    if hasattr(value, "__iter__"):
        return list(value)
    raise protocol.NotPlain(f"a {type(value).__name__} object cannot be converted to plain data")
