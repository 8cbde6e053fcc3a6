"""The test side's view of the learner's process: the channel to it and the stand-ins for its names.

Runs inside the test sandbox with `tester.py`. `Channel` sends requests to the learner side (as
relayed by the grader) and checks every answer against `schema` before anything is built from
it. A `LearnerObject` stands for an object that stays in the learner's process; `learner.NAME`
(`LearnerNamespace`) reaches a learner name or what the author's setup made. As in one nbgrader
kernel, a test cell that deletes, rebinds or restores a learner name does so in the learner's
namespace too (`TestNamespace`), and a function the tests define can be handed to learner code
(a spy, a stub): the learner side gets a stand-in whose calls come back here as callback
requests, run here, and return plain data.

Why one file of over 400 lines: the channel and the stand-ins are one mechanism (each stand-in
operation is a channel request, and the channel's callbacks bind test functions back into the
stand-ins' namespace); most of the length is LearnerObject's one-line operator forwards.
"""

import builtins
import os
import sys
from collections.abc import Callable, Mapping
from typing import BinaryIO

from grading.inside import protocol, schema
from grading.inside.protocol import (
    ARGS,
    CALLBACK,
    CB,
    CHANGED,
    ERROR,
    HANDLE,
    HIDDEN,
    ID,
    KWARGS,
    MESSAGE,
    NAME,
    OK,
    OP,
    SEQ,
    TAG,
    TARGET,
    TRACEBACK,
    TYPE,
    UNAVAILABLE,
    VALUE,
    CallbackRequest,
    Json,
    JsonObject,
    Op,
    Ready,
    Reply,
    Request,
    Tag,
    Target,
)


class LearnerError(Exception):
    """An exception raised by learner code that is not a built-in exception type."""


class LearnerUnavailable(LearnerError):
    """The learner's process did not answer (it exited, crashed or ran out of time)."""


class CellTimeout(BaseException):
    """A test cell ran out of time. Not an Exception: neither a test's `except Exception` nor a
    callback's error reply to learner code may swallow it."""


class Channel:
    """Requests to the learner's process and the functions of the tests it may call back."""

    def __init__(self, out: BinaryIO, inp: BinaryIO):
        self.out = out
        self.inp = inp
        self.sequence = 0
        self.hidden = False  # whether the cell that runs now is a hidden test
        self.callbacks: dict[int, Callable[..., object]] = {}
        self.callback_ids: dict[int, int] = {}
        self.namespace: TestNamespace | None = None  # once the learner's names are bound

    @classmethod
    def over_standard_streams(cls) -> "Channel":
        """The channel on this process's stdin and stdout, which from now on only it uses:
        whatever test cells print goes to stderr or their captured output."""
        channel = cls(os.fdopen(os.dup(1), "wb", buffering=0), os.fdopen(os.dup(0), "rb", 0))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        return channel

    def readline(self) -> bytes:
        line = self.inp.readline(protocol.MAX_LINE_BYTES + 1)
        if line and not line.endswith(b"\n"):
            raise LearnerUnavailable("the learner's program sent a message that is too large")
        return line

    def first(self) -> Ready | None:
        """The learner side's first message, checked; None when it is missing or malformed."""
        line = self.readline()
        if not line:
            return None
        try:
            return schema.check_ready(schema.parse_line(line))
        except protocol.Malformed:
            return None

    def request(
        self,
        operation: Op,
        target: Target,
        args: tuple[object, ...] = (),
        kwargs: Mapping[str, object] | None = None,
    ) -> object:
        self.sequence += 1
        sequence = self.sequence
        message: Request = {
            SEQ: sequence,
            OP: operation,
            TARGET: target,
            ARGS: [protocol.encode(item, self.handle_ref) for item in args],
            KWARGS: {
                key: protocol.encode(item, self.handle_ref) for key, item in (kwargs or {}).items()
            },
            HIDDEN: self.hidden,
        }
        self.out.write(protocol.dumps(message))
        reply = self._reply_to(sequence)
        if self.namespace is not None:
            for name, description in reply.get(CHANGED, {}).items():
                self.namespace.refresh(name, description[VALUE])
        if reply[OK] is not True:
            raise learner_exception(reply.get(ERROR))
        try:
            return self.decode(reply.get(VALUE))
        except (ValueError, TypeError, KeyError, LookupError) as error:
            raise LearnerError(f"the learner's program sent a malformed answer: {error}") from None

    def _reply_to(self, sequence: int) -> Reply:
        """The answer to request `sequence`, running the callbacks learner code makes first."""
        while True:
            line = self.readline()
            if not line:
                raise LearnerUnavailable("the learner's program is no longer running")
            try:
                message = schema.check_learner_message(schema.parse_line(line))
            except protocol.Malformed as error:
                raise LearnerError(
                    f"the learner's program sent a malformed answer: {error}"
                ) from None
            if CALLBACK in message:
                self.answer_callback(message)  # type: ignore[arg-type]  # the schema said so
                continue
            reply: Reply = message  # without CALLBACK: an answer
            answered = reply.get(SEQ)
            assert isinstance(answered, int)  # the schema checked it
            if answered < sequence:
                continue  # the answer to a request abandoned by a cell timeout
            if answered > sequence:
                raise LearnerError("the learner's program answered a request not yet made")
            return reply

    def callback_id(self, function: Callable[..., object]) -> int:
        """The number under which learner code may call `function` (a test's own)."""
        known = self.callback_ids.get(id(function))
        if known is not None and self.callbacks.get(known) is function:
            return known
        number = len(self.callbacks) + 1
        self.callbacks[number] = function
        self.callback_ids[id(function)] = number
        return number

    def answer_callback(self, request: CallbackRequest) -> None:
        """Run a test's function that learner code called; only plain data goes back. An
        exception goes back by type and message; a cell timeout ends the cell here."""
        number = request[CB]
        reply: Reply
        try:
            function = self.callbacks.get(request[CALLBACK])
            if function is None:
                raise LookupError("no such function from the tests")
            args = [self.decode(item) for item in request[ARGS]]
            kwargs = {key: self.decode(item) for key, item in request[KWARGS].items()}
            value = function(*args, **kwargs)
            reply = {CB: number, OK: True, VALUE: protocol.encode(value, self.handle_ref)}
        except Exception as error:  # noqa: BLE001 - the learner's code gets the failure
            reply = {CB: number, OK: False, ERROR: protocol.error_of(error)}
        self.out.write(protocol.dumps(reply))

    def decode(self, data: Json) -> object:
        """A value from the learner side: its handles become stand-ins, and a callback it
        passes back becomes the test's own function again."""
        hooks: dict[str, protocol.Hook] = {Tag.CALLBACK: self.function_from_learner}
        return protocol.decode(data, self.make_handle, hooks=hooks)

    def make_handle(self, handle: int, type_name: str) -> "LearnerObject":
        return LearnerObject(self, {HANDLE: handle}, type_name)

    def function_from_learner(self, reference: JsonObject) -> Callable[..., object]:
        function = self.callbacks.get(reference[ID])  # type: ignore[arg-type]  # checked int
        if function is None:
            raise protocol.Malformed("an unknown function from the tests")
        return function

    def handle_ref(self, value: object) -> int | JsonObject:
        """How a value that is not plain data goes to the learner: a learner object as its
        handle or name (so learner functions and objects round-trip), a test's function as a
        callback."""
        if isinstance(value, LearnerObject):
            ref = value._ref
            if HANDLE in ref:
                return {TAG: Tag.HANDLE, ID: ref[HANDLE], TYPE: "object"}
            return {TAG: Tag.REF, NAME: ref[NAME]}
        if callable(value):
            return {TAG: Tag.CALLBACK, ID: self.callback_id(value)}
        raise protocol.NotPlain(
            f"a {type(value).__name__} built in the test cannot be passed to the learner's code"
        )


def learner_exception(error: protocol.Error | None) -> LearnerError | Exception:
    if not isinstance(error, dict):
        return LearnerError("the learner's program failed")
    name = str(error.get(TYPE, "Exception"))
    message = str(error.get(MESSAGE, ""))[:2000]
    if name == UNAVAILABLE:
        return LearnerUnavailable(message)
    raised: Exception = LearnerError(f"{name}: {message}")
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception) and kind is not StopIteration:
        try:
            raised = kind(message)
        except Exception:  # noqa: BLE001 - some built-ins need other arguments
            pass
    frames = str(error.get(TRACEBACK, ""))[-2000:]
    if frames.strip():
        # The learner's own lines where it was raised (the learner side sends only the frames
        # in its cells), shown under the test's traceback as a note.
        raised.add_note("In your code (most recent call last):\n" + frames.rstrip("\n"))
    return raised


class LearnerObject:
    """Stands for an object that lives in the learner's sandbox. Conversions and comparisons
    fetch its plain value and compute here; nothing the learner's object does can decide them."""

    __slots__ = ("_channel", "_ref", "_type")
    _channel: Channel
    _ref: Target
    _type: str

    def __init__(self, channel: Channel, ref: Target, type_name: str = "object"):
        # Its own __setattr__ forwards to the learner's object.
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)

    def _remote(self, operation: Op, *args: object, **kwargs: object) -> object:
        return self._channel.request(operation, self._ref, args, kwargs)

    def _plain(self) -> object:
        return self._remote(Op.VALUE)

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self._remote(Op.CALL, *args, **kwargs)

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._remote(Op.GETATTR, name)

    def __setattr__(self, name: str, value: object) -> None:
        self._remote(Op.SETATTR, name, value)

    def __getitem__(self, key: object) -> object:
        return self._remote(Op.GETITEM, key)

    def __iter__(self) -> object:
        items = self._remote(Op.ITER)
        if not isinstance(items, list):
            raise TypeError("iteration did not give a list")
        return iter(items)

    def __len__(self) -> int:
        length = self._remote(Op.LEN)
        if type(length) is not int or length < 0:
            raise TypeError("len() of a learner object did not give a non-negative int")
        return length

    def __array__(self, dtype: object = None, copy: object = None) -> object:
        # Only a test that converts a learner object to an array needs numpy (see protocol).
        import numpy

        return numpy.asarray(self._plain(), dtype=dtype)  # type: ignore[call-overload]

    def __float__(self) -> float:
        return float(self._plain())  # type: ignore[arg-type]  # float() decides

    def __int__(self) -> int:
        return int(self._plain())  # type: ignore[call-overload, no-any-return]  # int() decides

    def __index__(self) -> int:
        value = self._plain()
        if type(value) is not int:
            raise TypeError("not an integer")
        return value

    def __bool__(self) -> bool:
        return bool(self._plain())

    def __complex__(self) -> complex:
        return complex(self._plain())  # type: ignore[call-overload, no-any-return]

    def __repr__(self) -> str:
        return f"<learner {self._type} object>"

    def __str__(self) -> str:
        text = self._remote(Op.REPR)
        return str(text) if isinstance(text, str) else repr(self)

    def __eq__(self, other: object) -> bool:
        return self._plain() == other

    def __ne__(self, other: object) -> bool:
        return self._plain() != other

    __hash__ = None  # type: ignore[assignment]  # compared by value: not hashable


def _binary(name: str) -> Callable[[LearnerObject, object], object]:
    def method(self: LearnerObject, other: object) -> object:
        return getattr(self._plain(), name)(other)

    method.__name__ = name
    return method


OPERATORS = (
    "__lt__ __le__ __gt__ __ge__ __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ "
    "__truediv__ __rtruediv__ __floordiv__ __mod__ __pow__ __matmul__ __rmatmul__ __contains__"
)
for _name in OPERATORS.split():  # noqa: SIM905 - one readable line per group of operators
    setattr(LearnerObject, _name, _binary(_name))


class LearnerNamespace:
    """`learner.name(...)` calls or reads a name in the learner's namespace. A name the
    author's setup cells define (and the learner is not asked to provide) reaches the object the
    setup cell made, never what learner code later bound to that name."""

    def __init__(self, channel: Channel):
        # Underscored: every other attribute name is a learner name.
        self._channel = channel
        self._setup: dict[str, object] = {}  # filled by the tester once the setup cells ran

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._setup:
            return self._setup[name]
        return LearnerObject(self._channel, {NAME: name}, "name")

    def __repr__(self) -> str:
        return "<the learner's namespace>"


_MISSING = object()


class TestNamespace(dict[str, object]):
    """The test cells' globals. Deleting or rebinding a learner's name here does the same in
    the learner's namespace, as in one kernel: `del squares` deletes it there, and a learner
    object put back (`squares = original`) goes back as itself. A test's function (a spy, a
    stub, as a callback) or plain data reaches the learner only under a name the exercise asks
    for (one the starter code defines): learner code cannot catch the tests' values or
    functions by defining globals under names a test might use for its own."""

    def __init__(self, channel: Channel, initial: Mapping[str, object]):
        super().__init__(initial)
        self.channel = channel
        self.learner_names: set[str] = set()  # names bound to the learner's values
        self.shared_names: set[str] = set()  # of those, the ones the exercise asks for
        self.mirrored: dict[str, object] = {}  # what the learner's namespace holds, if known
        self.active = False

    def bind_learner(self, name: str, value: object, shared: bool) -> None:
        dict.__setitem__(self, name, value)
        self.learner_names.add(name)
        if shared:
            self.shared_names.add(name)
        self.mirrored[name] = value

    def refresh(self, name: str, data: Json) -> None:
        """The learner's code changed one of its plain globals: the tests see the new value,
        unless a test cell has bound that name to something of its own since."""
        if name not in self.learner_names:
            return
        if dict.get(self, name, _MISSING) is not self.mirrored.get(name, _MISSING):
            return
        try:
            value = self.channel.decode(data)
        except (ValueError, TypeError, KeyError, LookupError):
            return
        dict.__setitem__(self, name, value)
        self.mirrored[name] = value

    def __setitem__(self, name: str, value: object) -> None:
        dict.__setitem__(self, name, value)
        if self.active and name in self.learner_names:
            self.mirror(name)

    def __delitem__(self, name: str) -> None:
        dict.__delitem__(self, name)
        if self.active and name in self.learner_names:
            self.mirror(name)

    def reconcile(self) -> None:
        """Mirror what escaped __setitem__ (a `global` statement inside a function)."""
        for name in sorted(self.learner_names):
            if dict.get(self, name, _MISSING) is not self.mirrored.get(name, _MISSING):
                self.mirror(name)

    def mirror(self, name: str) -> None:
        value = dict.get(self, name, _MISSING)
        if value is self.mirrored.get(name, _MISSING):
            return
        shared = name in self.shared_names
        if not shared and value is not _MISSING and not isinstance(value, LearnerObject):
            return  # the test's own value under a name the learner happened to use
        self.mirrored[name] = value
        try:
            if value is _MISSING:
                self.channel.request(Op.DELETE, {NAME: name})
            elif isinstance(value, LearnerObject) or callable(value) or _plain(value):
                self.channel.request(Op.ASSIGN, {NAME: name}, (value,))
            # else: an object of the tests' own cannot cross; the learner keeps its own
        except LearnerError:
            pass  # a learner that cannot take the change fails the tests that rely on it


def _plain(value: object) -> bool:
    try:
        protocol.encode(value)
        return True
    except (protocol.NotPlain, TypeError, ValueError, RecursionError):
        return False
