"""nbgrader's reference runs, each in a child process of its own.

nbgrader executes notebooks in Jupyter kernels that talk to it over ZeroMQ, from background
threads that nbclient does not always stop: a parity run left 48 of them in the test process.
In stop 21's CI one of them aborted the whole run (SIGABRT, "Fatal Python error: Aborted",
no Python thread current) three test files later. In a child, what nbgrader leaks ends with it.

The children fork from a forkserver that has imported nbgrader once, so a run costs a fork,
not an interpreter start. Functions run here must be module-level in a module that imports
no Django (the child is not set up): tests/grading/nbgrader_wheel_catalogue.py is one.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import ParamSpec, TypeVar

Params = ParamSpec("Params")
Result = TypeVar("Result")

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(
    ["nbgrader.apps", "nbgrader.preprocessors", "tests.grading.nbgrader_wheel_catalogue"]
)


def in_child(
    function: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
) -> Result:
    """`function(*args, **kwargs)` in a fresh child process: its value, or its exception."""
    with ProcessPoolExecutor(max_workers=1, mp_context=_CONTEXT) as pool:
        return pool.submit(function, *args, **kwargs).result()
