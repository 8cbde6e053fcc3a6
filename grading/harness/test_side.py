"""Runs the test cells in a sandbox that never loads learner code, and writes the verdict.

Started inside the test sandbox as `python /job/test_side.py`. It reads /job/tests.json (the
author's setup cells and test cells, hidden tests included), waits for the learner side's first
message (relayed by the grader: the names the learner defined), runs the setup cells itself,
then binds each learner name to plain data or to a `LearnerObject` stand-in whose operations
are forwarded to the learner sandbox. Assertions, comparisons and `numpy.testing` all run here,
on plain data, with modules the learner never touched. The last line on stdout is the verdict.

As in one nbgrader kernel, a test cell that deletes, rebinds or restores a learner name does so
in the learner's namespace too (`TestNamespace`), and a function the tests define can be handed
to learner code (a spy, a stub): the learner side gets a stand-in whose calls come back here
as callback requests, run here, and return plain data. Everything read from the learner's side
is checked by `wire` before anything is built from it.
"""

import builtins
import contextlib
import importlib.machinery
import io
import json
import linecache
import os
import random
import signal
import sys
import traceback

sys.path.insert(0, "/job")
import wire  # noqa: E402

OUTPUT_LIMIT = 20_000
TRACEBACK_LIMIT = 8_000


class LearnerError(Exception):
    """An exception raised by learner code that is not a built-in exception type."""


class LearnerUnavailable(LearnerError):
    """The learner's process did not answer (it exited, crashed or ran out of time)."""


class CellTimeout(BaseException):
    """A test cell ran out of time. Not an Exception: neither a test's `except Exception` nor a
    callback's error reply to learner code may swallow it."""


class Channel:
    def __init__(self):
        self.out = os.fdopen(os.dup(1), "wb", buffering=0)
        self.inp = os.fdopen(os.dup(0), "rb", buffering=0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self.sequence = 0
        self.hidden = False  # whether the cell that runs now is a hidden test
        self.callbacks = {}
        self.callback_ids = {}

    def readline(self):
        line = self.inp.readline(wire.MAX_LINE_BYTES + 1)
        if line and not line.endswith(b"\n"):
            raise LearnerUnavailable("the learner's program sent a message that is too large")
        return line

    def first(self):
        """The learner side's first message, checked; {} when it is missing or malformed."""
        line = self.readline()
        if not line:
            return {}
        try:
            return wire.check_ready(wire.parse_line(line))
        except wire.Malformed:
            return {}

    def request(self, operation, target, args=(), kwargs=None):
        self.sequence += 1
        sequence = self.sequence
        message = {
            "seq": sequence,
            "op": operation,
            "target": target,
            "args": [wire.encode(item, handle_ref) for item in args],
            "kwargs": {key: wire.encode(item, handle_ref) for key, item in (kwargs or {}).items()},
            "hidden": self.hidden,
        }
        self.out.write(wire.dumps(message))
        while True:
            line = self.readline()
            if not line:
                raise LearnerUnavailable("the learner's program is no longer running")
            try:
                reply = wire.parse_line(line)
                if isinstance(reply, dict) and "callback" in reply:
                    self.answer_callback(wire.check_callback_request(reply))
                    continue
                wire.check_reply(reply)
            except wire.Malformed as error:
                raise LearnerError(
                    f"the learner's program sent a malformed answer: {error}"
                ) from None
            if reply["seq"] < sequence:
                continue  # the answer to a request abandoned by a cell timeout
            if reply["seq"] > sequence:
                raise LearnerError("the learner's program answered a request not yet made")
            break
        if NAMESPACE is not None:
            for name, description in reply.get("changed", {}).items():
                NAMESPACE.refresh(name, description["value"])
        if reply["ok"] is not True:
            raise learner_exception(reply["error"])
        try:
            return decode_from_learner(reply["value"])
        except (ValueError, TypeError, KeyError, LookupError) as error:
            raise LearnerError(f"the learner's program sent a malformed answer: {error}") from None

    def callback_id(self, function):
        """The number under which learner code may call `function` (a test's own)."""
        known = self.callback_ids.get(id(function))
        if known is not None and self.callbacks.get(known) is function:
            return known
        number = len(self.callbacks) + 1
        self.callbacks[number] = function
        self.callback_ids[id(function)] = number
        return number

    def answer_callback(self, request):
        """Run a test's function that learner code called; only plain data goes back. An
        exception goes back by type and message; a cell timeout ends the cell here."""
        number = request["cb"]
        try:
            function = self.callbacks.get(request["callback"])
            if function is None:
                raise LookupError("no such function from the tests")
            args = [decode_from_learner(item) for item in request["args"]]
            kwargs = {key: decode_from_learner(item) for key, item in request["kwargs"].items()}
            value = function(*args, **kwargs)
            reply = {"cb": number, "ok": True, "value": wire.encode(value, handle_ref)}
        except Exception as error:  # noqa: BLE001 - the learner's code gets the failure
            reply = {
                "cb": number,
                "ok": False,
                "error": {"type": type(error).__name__[:100], "message": str(error)[:2000]},
            }
        self.out.write(wire.dumps(reply))


def decode_from_learner(data):
    return wire.decode(data, make_handle, hooks={"callback": callback_from_learner})


def callback_from_learner(reference):
    function = CHANNEL.callbacks.get(reference["id"])
    if function is None:
        raise wire.Malformed("an unknown function from the tests")
    return function


def learner_exception(error):
    if not isinstance(error, dict):
        return LearnerError("the learner's program failed")
    name = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))[:2000]
    if name == "Unavailable":
        return LearnerUnavailable(message)
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception) and kind is not StopIteration:
        try:
            return kind(message)
        except Exception:  # noqa: BLE001 - some built-ins need other arguments
            pass
    return LearnerError(f"{name}: {message}")


CHANNEL = None
NAMESPACE = None  # the test cells' TestNamespace, once the learner's names are bound


def handle_ref(value):
    """How a value that is not plain data goes to the learner: a learner object as its handle
    or name (so learner functions and objects round-trip), a test's function as a callback."""
    if isinstance(value, LearnerObject):
        ref = object.__getattribute__(value, "_ref")
        if "handle" in ref:
            return {wire.TAG: "handle", "id": ref["handle"], "type": "object"}
        return {wire.TAG: "ref", "name": ref["name"]}
    if callable(value):
        return {wire.TAG: "callback", "id": CHANNEL.callback_id(value)}
    raise wire.NotPlain(
        f"a {type(value).__name__} built in the test cannot be passed to the learner's code"
    )


def make_handle(handle, type_name):
    return LearnerObject({"handle": handle}, type_name)


def remote(ref, operation, *args, **kwargs):
    return CHANNEL.request(operation, ref, args, kwargs)


def _encode_ref(value, handle_of=None, depth=0):
    return wire.encode(value, handle_of, depth)


class LearnerObject:
    """Stands for an object that lives in the learner's sandbox. Conversions and comparisons
    fetch its plain value and compute here; nothing the learner's object does can decide them."""

    __slots__ = ("_ref", "_type")

    def __init__(self, ref, type_name="object"):
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)

    def _target(self):
        ref = object.__getattribute__(self, "_ref")
        return ref

    def _plain(self):
        return remote(self._target(), "value")

    def __call__(self, *args, **kwargs):
        return remote(self._target(), "call", *args, **kwargs)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return remote(self._target(), "getattr", name)

    def __setattr__(self, name, value):
        remote(self._target(), "setattr", name, value)

    def __getitem__(self, key):
        return remote(self._target(), "getitem", key)

    def __iter__(self):
        items = remote(self._target(), "iter")
        if not isinstance(items, list):
            raise TypeError("iteration did not give a list")
        return iter(items)

    def __len__(self):
        length = remote(self._target(), "len")
        if type(length) is not int or length < 0:
            raise TypeError("len() of a learner object did not give a non-negative int")
        return length

    def __array__(self, dtype=None, copy=None):
        import numpy

        return numpy.asarray(self._plain(), dtype=dtype)

    def __float__(self):
        return float(self._plain())

    def __int__(self):
        return int(self._plain())

    def __index__(self):
        value = self._plain()
        if type(value) is not int:
            raise TypeError("not an integer")
        return value

    def __bool__(self):
        return bool(self._plain())

    def __complex__(self):
        return complex(self._plain())

    def __repr__(self):
        return f"<learner {object.__getattribute__(self, '_type')} object>"

    def __str__(self):
        text = remote(self._target(), "repr")
        return str(text) if isinstance(text, str) else repr(self)

    def __eq__(self, other):
        return self._plain() == other

    def __ne__(self, other):
        return self._plain() != other

    __hash__ = None


def _binary(name):
    def method(self, other):
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

    def __init__(self):
        object.__setattr__(self, "_setup", {})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        setup = object.__getattribute__(self, "_setup")
        if name in setup:
            return setup[name]
        return LearnerObject({"name": name}, "name")

    def __repr__(self):
        return "<the learner's namespace>"


class TestNamespace(dict):
    """The test cells' globals. Deleting or rebinding a learner's name here does the same in
    the learner's namespace, as in one kernel: `del squares` deletes it there, and a learner
    object put back (`squares = original`) goes back as itself. A test's function (a spy, a
    stub, as a callback) or plain data reaches the learner only under a name the exercise asks
    for (one the starter code defines): learner code cannot catch the tests' values or
    functions by defining globals under names a test might use for its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner_names = set()  # names bound to the learner's values
        self.shared_names = set()  # of those, the ones the exercise asks for
        self.mirrored = {}  # what the learner's namespace holds for each, as far as known
        self.active = False

    def bind_learner(self, name, value, shared):
        dict.__setitem__(self, name, value)
        self.learner_names.add(name)
        if shared:
            self.shared_names.add(name)
        self.mirrored[name] = value

    def refresh(self, name, data):
        """The learner's code changed one of its plain globals: the tests see the new value,
        unless a test cell has bound that name to something of its own since."""
        if name not in self.learner_names:
            return
        if dict.get(self, name, _MISSING) is not self.mirrored.get(name, _MISSING):
            return
        try:
            value = decode_from_learner(data)
        except (ValueError, TypeError, KeyError, LookupError):
            return
        dict.__setitem__(self, name, value)
        self.mirrored[name] = value

    def __setitem__(self, name, value):
        dict.__setitem__(self, name, value)
        if self.active and name in self.learner_names:
            self.mirror(name)

    def __delitem__(self, name):
        dict.__delitem__(self, name)
        if self.active and name in self.learner_names:
            self.mirror(name)

    def reconcile(self):
        """Mirror what escaped __setitem__ (a `global` statement inside a function)."""
        for name in sorted(self.learner_names):
            if dict.get(self, name, _MISSING) is not self.mirrored.get(name, _MISSING):
                self.mirror(name)

    def mirror(self, name):
        value = dict.get(self, name, _MISSING)
        if value is self.mirrored.get(name, _MISSING):
            return
        shared = name in self.shared_names
        if not shared and value is not _MISSING and not isinstance(value, LearnerObject):
            return  # the test's own value under a name the learner happened to use
        self.mirrored[name] = value
        try:
            if value is _MISSING:
                remote({"name": name}, "delete")
            elif isinstance(value, LearnerObject) or callable(value) or _plain(value):
                remote({"name": name}, "assign", value)
            # else: an object of the tests' own cannot cross; the learner keeps its own
        except LearnerError:
            pass  # a learner that cannot take the change fails the tests that rely on it


_MISSING = object()


def _plain(value):
    try:
        wire.encode(value)
        return True
    except (wire.NotPlain, TypeError, ValueError, RecursionError):
        return False


def run_cell(cell, namespace, seconds):
    filename = f"<{cell['id']}>"
    if not cell.get("hidden"):
        lines = cell["source"].splitlines(keepends=True)
        linecache.cache[filename] = (len(cell["source"]), None, lines, filename)
    captured = io.StringIO()
    error = None

    def on_alarm(signum, frame):
        raise CellTimeout(f"this test took longer than {seconds} seconds")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(seconds)))
    value = None
    if CHANNEL is not None:
        CHANNEL.hidden = bool(cell.get("hidden"))
    try:
        body, last = split_last_expression(cell["source"])
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            exec(compile(body, filename, "exec"), namespace)
            if last is not None:
                value = eval(compile(last, filename, "eval"), namespace)
                if value is not None:
                    value = repr(value)
            if isinstance(namespace, TestNamespace):
                namespace.reconcile()
    except BaseException as raised:  # noqa: BLE001 - a failing test is a result
        error = raised
    finally:
        signal.alarm(0)
    output = captured.getvalue()
    if len(output) > OUTPUT_LIMIT:
        output = output[:OUTPUT_LIMIT] + "\n[output cut]\n"
    if error is None:
        return True, output, "", value
    frames = traceback.extract_tb(error.__traceback__)
    kept = [frame for frame in frames if frame.filename.startswith("<")]
    text = "Traceback (most recent call last):\n" if kept else ""
    text += "".join(traceback.format_list(kept))
    text += "".join(traceback.format_exception_only(type(error), error))
    return False, output, text[-TRACEBACK_LIMIT:], None


def split_last_expression(source):
    """Like a notebook kernel: a cell's last expression is evaluated for its value (nbgrader
    reads a number there as partial credit)."""
    import ast

    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return tree, None
    last = ast.Expression(tree.body.pop().value)
    return tree, last


def partial_points(value, max_points):
    """nbgrader's rule for a test cell whose last expression has a value."""
    if value is None:
        return max_points
    try:
        grade = float(value)
    except ValueError:
        return max_points
    if grade > max_points:
        return 0.0  # nbgrader refuses to grade it; we give nothing rather than fail the run
    return grade if grade >= 0.0 else max_points


def seed_generators(seed):
    """Seed `random`, NumPy's global generator and torch from the grader's seed: now for what
    is imported, on import for what a cell imports later (an import hook, so a cold sandbox
    does not import torch for exercises that never use it)."""
    random.seed(seed)
    pending = []
    for name in ("numpy", "torch"):
        if name in sys.modules:
            _seed_module(name, sys.modules[name], seed)
        else:
            pending.append(name)
    if pending:
        sys.meta_path.insert(0, SeedAfterImport(seed, pending))


def _seed_module(name, module, seed):
    try:
        if name == "numpy":
            module.random.seed(seed % 2**32)
        elif name == "torch":
            module.manual_seed(seed)
    except Exception:  # noqa: BLE001 - a broken library fails the tests that use it, not this
        pass


class SeedAfterImport:
    """A meta path finder that seeds a module's generator right after its first import."""

    def __init__(self, seed, names):
        self.seed = seed
        self.pending = set(names)

    def find_spec(self, fullname, path, target=None):
        if fullname not in self.pending:
            return None
        self.pending.discard(fullname)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module
        seed = self.seed

        def exec_module(module):
            original(module)
            _seed_module(fullname, module, seed)

        spec.loader.exec_module = exec_module
        return spec


def bind_learner_names(namespace, ready, declared, setup_names):
    names = ready.get("names", {})
    for name, description in names.items():
        if name.startswith("__"):
            continue
        shadows = name in namespace or hasattr(builtins, name)
        if shadows and name not in declared:
            continue  # learner code may not replace the tests' own names (np, len, assert helpers)
        if description["kind"] == "plain":
            try:
                namespace.bind_learner(
                    name, decode_from_learner(description["value"]), name in declared
                )
                continue
            except (ValueError, TypeError, KeyError, LookupError):
                pass
        if description["kind"] == "object" and description.get("handle"):
            reference = {"handle": description["handle"], "name": name}
        else:
            reference = {"name": name}
        namespace.bind_learner(
            name, LearnerObject(reference, str(description.get("type"))), name in declared
        )
    learner = dict.get(namespace, "learner")
    setup = object.__getattribute__(learner, "_setup")
    remote_setup = ready.get("setup", {})
    for name in setup_names:
        if name in declared:
            continue
        description = remote_setup.get(name)
        if isinstance(description, dict) and description.get("handle"):
            # The object the setup cell made in the learner's sandbox (a model built there).
            setup[name] = LearnerObject(
                {"handle": description["handle"]}, str(description.get("type"))
            )
        elif name in namespace:
            setup[name] = namespace[name]


def main():
    global CHANNEL, NAMESPACE
    CHANNEL = Channel()
    wire.stage_data_files()
    with open("/job/tests.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    seed = int(spec.get("seed", 0))
    seed_generators(seed)
    ready = CHANNEL.first()
    namespace = TestNamespace(
        {"__name__": "__main__", "__builtins__": builtins, "learner": LearnerNamespace()}
    )
    namespace["LearnerError"] = LearnerError
    namespace["GRADING_SEED"] = seed
    cell_seconds = spec.get("cell_seconds", 60)
    setup_errors = []
    setup_names = []
    for cell in spec["setup"]:
        before = {name: id(value) for name, value in namespace.items()}
        passed, output, text, _ = run_cell(cell, namespace, cell_seconds)
        setup_names.extend(
            name for name, value in namespace.items() if before.get(name) != id(value)
        )
        if not passed:
            setup_errors.append({"id": cell["id"], "traceback": text})
    declared = set(spec.get("declared", []))
    results = []
    failure = ""
    try:
        bind_learner_names(namespace, ready, declared, setup_names)
        NAMESPACE = namespace
        namespace.active = True
        for cell in spec["tests"]:
            passed, output, text, value = run_cell(cell, namespace, cell_seconds)
            points = partial_points(value, cell["points"]) if passed else 0.0
            result = {"id": cell["id"], "passed": passed, "points": points}
            if cell.get("hidden"):
                # Only the author's command line shows these; the grader keeps them apart.
                result["hidden_output"] = output
                result["hidden_traceback"] = text
            else:
                result["output"] = output
                result["traceback"] = text
            results.append(result)
    except BaseException as error:  # noqa: BLE001 - what is not graded yet fails, visibly
        failure = f"{type(error).__name__}: {error}"[:2000]
    verdict = {
        "verdict": results,
        "setup_errors": setup_errors,
        "learner_ready": bool(ready.get("ready")),
        "failure": failure,
    }
    CHANNEL.out.write(wire.dumps({"final": verdict}))


if __name__ == "__main__":
    main()
