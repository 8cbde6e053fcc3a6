"""Runs the test cells in a sandbox that never loads learner code, and writes the verdict.

Started inside the test sandbox as `python /job/test_side.py`. It reads /job/tests.json (the
author's setup cells and test cells, hidden tests included), waits for the learner side's first
message (relayed by the grader: the names the learner defined), runs the setup cells itself,
then binds each learner name to plain data or to a `LearnerObject` stand-in whose operations
are forwarded to the learner sandbox. Assertions, comparisons and `numpy.testing` all run here,
on plain data, with modules the learner never touched. The last line on stdout is the verdict.
"""

import builtins
import contextlib
import io
import json
import linecache
import os
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


class CellTimeout(Exception):
    pass


class Channel:
    def __init__(self):
        self.out = os.fdopen(os.dup(1), "wb", buffering=0)
        self.inp = os.fdopen(os.dup(0), "rb", buffering=0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self.sequence = 0

    def first(self):
        line = self.inp.readline()
        if not line:
            return {}
        try:
            message = wire.loads(line)
        except ValueError:
            return {}
        return message if isinstance(message, dict) else {}

    def request(self, operation, target, args=(), kwargs=None):
        self.sequence += 1
        message = {
            "seq": self.sequence,
            "op": operation,
            "target": target,
            "args": [wire.encode(item, handle_ref) for item in args],
            "kwargs": {key: wire.encode(item, handle_ref) for key, item in (kwargs or {}).items()},
        }
        self.out.write(wire.dumps(message))
        while True:
            line = self.inp.readline()
            if not line:
                raise LearnerUnavailable("the learner's program is no longer running")
            reply = wire.loads(line)
            if not isinstance(reply, dict):
                raise LearnerError("malformed answer from the learner's program")
            if reply.get("seq", self.sequence) < self.sequence:
                continue  # the answer to a request abandoned by a cell timeout
            break
        if reply.get("ok") is True:
            return wire.decode(reply.get("value"), make_handle)
        raise learner_exception(reply.get("error"))


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


def handle_ref(value):
    if isinstance(value, LearnerObject):
        return object.__getattribute__(value, "_ref")["handle"]
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
    """`learner.name(...)` calls or reads a name in the learner's namespace (setup names too)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return LearnerObject({"name": name}, "name")

    def __repr__(self):
        return "<the learner's namespace>"


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
    try:
        body, last = split_last_expression(cell["source"])
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            exec(compile(body, filename, "exec"), namespace)
            if last is not None:
                value = eval(compile(last, filename, "eval"), namespace)
                if value is not None:
                    value = repr(value)
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


def main():
    global CHANNEL
    CHANNEL = Channel()
    with open("/job/tests.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    ready = CHANNEL.first()
    namespace = {"__name__": "__main__", "__builtins__": builtins, "learner": LearnerNamespace()}
    namespace["LearnerError"] = LearnerError
    setup_errors = []
    for cell in spec["setup"]:
        passed, output, text, _ = run_cell(cell, namespace, spec.get("cell_seconds", 60))
        if not passed:
            setup_errors.append({"id": cell["id"], "traceback": text})
    declared = set(spec.get("declared", []))
    names = ready.get("names") if isinstance(ready.get("names"), dict) else {}
    for name, description in names.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
            continue
        shadows = name in namespace or hasattr(builtins, name)
        if shadows and name not in declared:
            continue  # learner code may not replace the tests' own names (np, len, assert helpers)
        if not isinstance(description, dict):
            continue
        if description.get("kind") == "plain":
            try:
                namespace[name] = wire.decode(description.get("value"))
                continue
            except (ValueError, TypeError, KeyError):
                pass
        namespace[name] = LearnerObject({"name": name}, str(description.get("type", "object")))
    results = []
    for cell in spec["tests"]:
        passed, output, text, value = run_cell(cell, namespace, spec.get("cell_seconds", 60))
        points = partial_points(value, cell["points"]) if passed else 0.0
        result = {"id": cell["id"], "passed": passed, "points": points}
        if not cell.get("hidden"):
            result["output"] = output
            result["traceback"] = text
        results.append(result)
    verdict = {
        "verdict": results,
        "setup_errors": setup_errors,
        "learner_ready": bool(ready.get("ready")),
    }
    CHANNEL.out.write(wire.dumps({"final": verdict}))


if __name__ == "__main__":
    main()
