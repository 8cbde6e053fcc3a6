"""The sandbox's whole vocabulary: a job goes in, a result comes out.

Plain dataclasses only, so any caller (the grading pipeline, a benchmark, a test) can build a
job without knowing which backend will run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class SandboxError(Exception):
    """The sandbox could not run a job at all (misconfiguration, missing runtime).

    A job that runs and fails (non-zero exit, timeout, out of memory) is a `JobResult`, never
    this exception.
    """


@dataclass(frozen=True)
class Limits:
    """What one job may use.

    `address_space_mb` is the job's RLIMIT_AS (None: no limit), on every backend: past it an
    allocation fails inside the job (Python raises MemoryError, a cell fails) instead of the
    whole job being killed for memory. It counts virtual memory, not memory used: a Python that
    has imported numpy and torch (on the warm paths, before the job's first line) already maps
    about 700 MB with one thread (measured: 600-670 MB, torch 2 on x86-64), and each extra
    thread reserves up to 64 MB more for its allocator arena and 8 MB of stack. Give a job that
    uses torch at least 1024 MB plus what it allocates.
    """

    wall_seconds: float = 30.0
    cpu_seconds: float = 30.0
    memory_mb: int = 1024
    processes: int = 64
    output_bytes: int = 1_000_000
    tmp_mb: int = 64
    cpus: float = 1.0
    gpus: int = 0
    address_space_mb: int | None = None


def address_space_bytes(limits: Limits) -> int | None:
    """The job's RLIMIT_AS in bytes (None: no limit)."""
    return None if limits.address_space_mb is None else limits.address_space_mb * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One run of untrusted code.

    `command` is an argv; a first element of "python" means the runtime profile's Python.
    `files` are placed read-only under /job; the working directory is a private, empty /tmp.
    """

    command: tuple[str, ...]
    files: dict[str, bytes] = field(default_factory=dict)
    stdin: bytes = b""
    profile: str = "python-cpu"
    limits: Limits = field(default_factory=Limits)
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    exit_code: int | None
    signal: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool
    out_of_memory: bool
    output_truncated: bool
    wall_seconds: float
    peak_memory_bytes: int
    cpu_seconds: float = 0.0
    cpu_limit_exceeded: bool = False

    @property
    def succeeded(self) -> bool:
        return (
            self.exit_code == 0
            and not self.timed_out
            and not self.out_of_memory
            and not self.output_truncated
        )

    def explain(self) -> str:
        """Why the job ended, in plain words for a learner."""
        if self.timed_out:
            return "Your code was stopped because it ran longer than the time limit."
        if self.cpu_limit_exceeded:
            return "Your code was stopped because it used more CPU time than allowed."
        if self.out_of_memory:
            return "Your code was stopped because it used more memory than allowed."
        if self.output_truncated:
            return "Your code printed more output than allowed and was stopped."
        if self.signal is not None:
            return f"Your code crashed (it was killed by signal {self.signal})."
        if self.exit_code not in (0, None):
            return f"Your code exited with status {self.exit_code}."
        return "Your code ran to the end."
