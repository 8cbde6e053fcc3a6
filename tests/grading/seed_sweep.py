"""Run an exercise's reference solution against its hidden tests at many grading seeds, in one
process, and print what failed as JSON.

A standalone script (it imports nothing of the project), run by test_exercise_seeds.py with the
sandbox's Python, so the tests meet the NumPy and torch versions learners are graded with. It
is not a sandbox: it executes the course's own notebooks, which the repository trusts. What
it checks is the tests' own fairness: a hidden test that draws its data from GRADING_SEED must
accept a right answer whatever the seed, or a learner loses points to a dice roll.

Usage: python seed_sweep.py NOTEBOOK FIRST_SEED LAST_SEED [SECONDS]

With SECONDS, it stops at the first seed that starts after that long, once AT_LEAST seeds ran
(a training exercise takes about a second a seed, a NumPy one a few milliseconds). It prints
{"seeds": how many it ran, "failures": {grade_id: [[seed, error], ...]}}.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
import time

MARKERS = (
    "### BEGIN SOLUTION",
    "### END SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "### END HIDDEN TESTS",
)
AT_LEAST = 3


class LearnerView:
    """What a test cell reaches as `learner.name`: here the one shared namespace."""

    def __init__(self, namespace: dict[str, object]):
        self._namespace = namespace

    def __getattr__(self, name: str) -> object:
        try:
            return self._namespace[name]
        except KeyError:
            raise AttributeError(name) from None


def code_cells(path: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for marker in MARKERS:
            source = source.replace(marker, "")
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell-{index}"
        cells.append((name, source))
    return cells


def seed_libraries(seed: int) -> None:
    """As the test sandbox does: `random`, NumPy's global generator and torch, if imported."""
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def sweep(path: str, seeds: range, seconds: float) -> tuple[int, dict[str, list[list[object]]]]:
    cells = code_cells(path)
    # Imported first, so each seed's generators are seeded as the test sandbox seeds them.
    import numpy  # noqa: F401

    if any("torch" in source for _, source in cells):
        import torch  # noqa: F401
    compiled = [(name, compile(source, name, "exec")) for name, source in cells]
    failures: dict[str, list[list[object]]] = {}
    deadline = time.monotonic() + seconds
    swept = 0
    for seed in seeds:
        if swept >= AT_LEAST and time.monotonic() > deadline:
            break
        swept += 1
        namespace: dict[str, object] = {"__name__": "__main__", "GRADING_SEED": seed}
        namespace["learner"] = LearnerView(namespace)
        seed_libraries(seed)
        for name, code in compiled:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(code, namespace)  # noqa: S102 - the course's own notebook
            except Exception as error:  # noqa: BLE001 - every failing cell is reported
                failures.setdefault(name, []).append(
                    [seed, f"{type(error).__name__}: {error}"[:300]]
                )
    return swept, failures


if __name__ == "__main__":
    notebook, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else float("inf")
    swept, failures = sweep(notebook, range(first, last), seconds)
    print(json.dumps({"seeds": swept, "failures": failures}))
