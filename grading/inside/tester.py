"""Runs the test cells in a sandbox that never loads learner code, and writes the verdict.

Runs inside the test sandbox (the grader ships it with `protocol.py`, `schema.py` and
`stand_ins.py` as /job/tester.pyz). It reads /job/tests.json (the author's setup cells and test
cells, hidden tests included), waits for the learner side's first message (relayed by the
grader: the names the learner defined), runs the setup cells itself, then binds each learner
name to plain data or to a `LearnerObject` stand-in whose operations are forwarded to the
learner sandbox (`stand_ins.py`). Assertions, comparisons and `numpy.testing` all run here, on
plain data, with modules the learner never touched. The last line on stdout is the verdict.
"""

import ast
import builtins
import contextlib
import importlib.machinery
import io
import json
import linecache
import random
import signal
import sys
import traceback
from collections.abc import Iterable, Sequence
from types import FrameType, ModuleType

from grading.inside import protocol
from grading.inside.protocol import (
    FINAL,
    HANDLE,
    KIND,
    NAME,
    TYPE,
    VALUE,
    Kind,
    Ready,
    SetupError,
    Target,
    TestResult,
    Verdict,
)
from grading.inside.stand_ins import (
    CellTimeout,
    Channel,
    LearnerError,
    LearnerNamespace,
    LearnerObject,
    TestNamespace,
)

OUTPUT_LIMIT = 20_000
TRACEBACK_LIMIT = 8_000

Cell = dict[str, object]  # a cell of tests.json: id, source, points, hidden


def run_cell(
    cell: Cell, namespace: dict[str, object], seconds: float, channel: Channel
) -> tuple[bool, str, str, str | None]:
    """Run one cell as a notebook kernel would: whether it passed, what it printed, its
    traceback (only the cells' own frames) and the repr of its last expression's value."""
    source, filename = str(cell["source"]), f"<{cell['id']}>"
    if not cell.get("hidden"):
        lines = source.splitlines(keepends=True)
        linecache.cache[filename] = (len(source), None, lines, filename)
    captured = io.StringIO()
    error = None

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise CellTimeout(f"this test took longer than {seconds} seconds")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(seconds)))
    value = None
    channel.hidden = bool(cell.get("hidden"))
    try:
        body, last = split_last_expression(source)
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            exec(compile(body, filename, "exec"), namespace)
            if last is not None:
                result = eval(compile(last, filename, "eval"), namespace)
                if result is not None:
                    value = repr(result)
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


def split_last_expression(source: str) -> tuple[ast.Module, ast.Expression | None]:
    """Like a notebook kernel: a cell's last expression is evaluated for its value (nbgrader
    reads a number there as partial credit)."""
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return tree, None
    last = tree.body.pop()
    assert isinstance(last, ast.Expr)
    return tree, ast.Expression(last.value)


def partial_points(value: str | None, max_points: float) -> float:
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


def seed_generators(seed: int) -> None:
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


def _seed_module(name: str, module: ModuleType, seed: int) -> None:
    try:
        if name == "numpy":
            module.random.seed(seed % 2**32)
        elif name == "torch":
            module.manual_seed(seed)
    except Exception:  # noqa: BLE001 - a broken library fails the tests that use it, not this
        pass


class SeedAfterImport:
    """A meta path finder that seeds a module's generator right after its first import."""

    def __init__(self, seed: int, names: Iterable[str]):
        self.seed = seed
        self.pending = set(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.pending:
            return None
        self.pending.discard(fullname)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module
        seed = self.seed

        def exec_module(module: ModuleType) -> None:
            original(module)
            _seed_module(fullname, module, seed)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def bind_learner_names(
    namespace: TestNamespace,
    learner: LearnerNamespace,
    ready: Ready | None,
    declared: set[str],
    setup_names: list[str],
) -> None:
    channel = namespace.channel
    names = ready["names"] if ready is not None else {}
    for name, description in names.items():
        if name.startswith("__"):
            continue
        shadows = name in namespace or hasattr(builtins, name)
        if shadows and name not in declared:
            continue  # learner code may not replace the tests' own names (np, len, assert helpers)
        if description[KIND] == Kind.PLAIN:
            try:
                value = channel.decode(description[VALUE])
                namespace.bind_learner(name, value, name in declared)
                continue
            except (ValueError, TypeError, KeyError, LookupError):
                pass
        reference: Target = {NAME: name}
        if description[KIND] == Kind.OBJECT and description[HANDLE]:
            reference = {HANDLE: description[HANDLE], NAME: name}
        type_name = str(description.get(TYPE))
        namespace.bind_learner(name, LearnerObject(channel, reference, type_name), name in declared)
    remote_setup = ready["setup"] if ready is not None else {}
    for name in setup_names:
        if name in declared:
            continue
        made = remote_setup.get(name)
        if made is not None and made[KIND] == Kind.OBJECT and made[HANDLE]:
            # The object the setup cell made in the learner's sandbox (a model built there).
            learner._setup[name] = LearnerObject(channel, {HANDLE: made[HANDLE]}, made[TYPE])
        elif name in namespace:
            learner._setup[name] = namespace[name]


def main() -> None:
    channel = Channel.over_standard_streams()
    protocol.stage_data_files()
    with open("/job/tests.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    seed = int(spec.get("seed", 0))
    seed_generators(seed)
    ready = channel.first()
    learner = LearnerNamespace(channel)
    namespace = TestNamespace(
        channel, {"__name__": "__main__", "__builtins__": builtins, "learner": learner}
    )
    namespace["LearnerError"] = LearnerError
    namespace["GRADING_SEED"] = seed
    cell_seconds = spec.get("cell_seconds", 60)
    setup_errors: list[SetupError] = []
    setup_names: list[str] = []
    for cell in spec["setup"]:
        before = {name: id(value) for name, value in namespace.items()}
        passed, output, text, _ = run_cell(cell, namespace, cell_seconds, channel)
        setup_names.extend(
            name for name, value in namespace.items() if before.get(name) != id(value)
        )
        if not passed:
            setup_errors.append({"id": cell["id"], "traceback": text})
    declared = set(spec.get("declared", []))
    results: list[TestResult] = []
    failure = ""
    try:
        bind_learner_names(namespace, learner, ready, declared, setup_names)
        channel.namespace = namespace
        namespace.active = True
        for cell in spec["tests"]:
            passed, output, text, value = run_cell(cell, namespace, cell_seconds, channel)
            points = partial_points(value, cell["points"]) if passed else 0.0
            result: TestResult = {"id": cell["id"], "passed": passed, "points": points}
            if cell.get("hidden"):
                result["hidden_output"] = output
                result["hidden_traceback"] = text
            else:
                result["output"] = output
                result["traceback"] = text
            results.append(result)
    except BaseException as error:  # noqa: BLE001 - what is not graded yet fails, visibly
        failure = f"{type(error).__name__}: {error}"[:2000]
    verdict: Verdict = {
        "verdict": results,
        "setup_errors": setup_errors,
        "learner_ready": ready is not None,
        "failure": failure,
    }
    channel.out.write(protocol.dumps({FINAL: verdict}))
