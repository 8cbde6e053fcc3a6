"""The grading tasks among a block's on-commit callbacks: other apps queue work after the same
commits (a certificate check when a score is recorded), and a test of the broker counts only sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from grading import queueing


def grading_sends(callbacks: Sequence[Callable[..., Any]]) -> list[Callable[..., Any]]:
    return [
        callback for callback in callbacks if getattr(callback, "func", None) is queueing.enqueue
    ]
