"""What the two warm paths (bwrap's zygote, Docker's warm containers) share on the host: the
modules a warm interpreter imports, the pool's tie to the process that made it, and the job
spec a warm interpreter receives in place of a command line.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from typing import TypedDict

from sandbox.base import cpu_seconds_limit
from sandbox.jobs import Job, address_space_bytes

# Imported once by every warm interpreter, before any job exists (torch alone costs ~2 s).
WARM_MODULES = ("numpy", "torch")


class WarmJobSpec(TypedDict):
    """A job for a warm interpreter, as JSON: what it runs, with what environment and limits
    (the interpreter sets RLIMIT_CPU and RLIMIT_AS itself, having started before the job)."""

    argv: list[str]
    environment: dict[str, str]
    cpu_seconds: int
    address_space_bytes: int | None


def warm_job_spec(job: Job, environment: dict[str, str]) -> WarmJobSpec:
    return {
        "argv": list(job.command),
        "environment": environment,
        "cpu_seconds": cpu_seconds_limit(job.limits),
        "address_space_bytes": address_space_bytes(job.limits),
    }


class ProcessLocalPool(ABC):
    """A pool of warm sandboxes belongs to the process that started them. A forked worker
    inherits the parent's pool object: it forgets what is in it (the parent's to use and
    stop) and starts its own; close() in a process that does not own it does nothing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()

    def _forked(self) -> None:
        """Forget the parent's sandboxes if this is a forked child (the lock is held)."""
        if os.getpid() != self.pid:
            self.pid = os.getpid()
            self._forget()

    def _owned(self) -> bool:
        return os.getpid() == self.pid

    @abstractmethod
    def _forget(self) -> None:
        """Drop every reference to the sandboxes of the process that made this pool."""
