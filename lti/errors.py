"""The one error type of the LTI app: a launch or login refused, with the reason it logs."""

from __future__ import annotations


class LaunchRefused(Exception):
    """A login or launch Academy will not accept. `reason` is a short stable word for the log
    line and the tests; `message` is what the refusal page tells the person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
