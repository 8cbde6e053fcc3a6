"""The backend-independent part of running a job: the `Sandbox` interface, a running job's
handle, bounded output collection, the one `JobResult` builder, and the host-side helpers every
backend shares (job directories and files, the job's environment, CPU-time limit).

Backends import this module; it imports no backend (the choice of backend is sandbox/factory.py).
"""

from __future__ import annotations

import math
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sandbox.jobs import Job, JobResult, Limits, SandboxError


class RunningJob(ABC):
    """A job that has started. Its stdin and stdout are pipes the caller may talk over; stderr
    is collected in the background up to the output limit.

    The caller calls finish() exactly once, in a `finally`, whatever went wrong while it talked
    to the job: finish() kills what is left of the job and removes its job directory and cgroup
    even when the caller's side failed. A job dropped without finish() is still stopped by its
    wall timer and its host resources are released when it is garbage-collected or the process
    exits, but until then it holds them: do not rely on that.
    """

    timed_out: bool = False
    _finished: bool = False

    def watch(self, *, stderr_fd: int, limits: Limits) -> None:
        """Start what every local job needs: a bounded stderr reader that stops the job past the
        output limit, and a wall-clock timer that stops it when time is up."""
        self.started = time.monotonic()
        self.timed_out = False
        self._finished = False
        self.stderr_reader = BoundedReader(stderr_fd, limits.output_bytes, self._kill)
        self.stderr_reader.start()
        self.timer = threading.Timer(limits.wall_seconds, self._time_out)
        self.timer.daemon = True
        self.timer.start()

    def _time_out(self) -> None:
        self.timed_out = True
        self._kill()

    def _kill(self) -> None:
        """Stop every process of the job (backends that use watch() provide it)."""
        raise NotImplementedError

    def _finishing(self) -> None:
        """Mark the job finished; a second finish() is the caller's bug, said at once."""
        if self._finished:
            raise RuntimeError("finish() called twice")
        self._finished = True

    @property
    @abstractmethod
    def stdin_fd(self) -> int: ...

    @property
    @abstractmethod
    def stdout_fd(self) -> int: ...

    @abstractmethod
    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        """Wait for the job to end (or kill it), release everything it held, report."""

    def stderr_bytes_received(self) -> int:
        """How many bytes of the job's stderr have arrived so far (up to the output limit): the
        grader cuts the learner's output where hidden tests began."""
        return self.stderr_reader.buffer.kept

    def close_stdin(self) -> None:
        """End the job's input. Backends make this idempotent and skip stdin in finish() once
        it ran: closing a descriptor number twice can close a file another thread has just
        opened under that number (a Docker connection, another job's pipe)."""
        _close_quietly(self.stdin_fd)


class Sandbox(ABC):
    name: str

    @abstractmethod
    def start(self, job: Job) -> RunningJob:
        """Start a job whose stdin and stdout the caller drives (the grading protocol)."""

    def close(self) -> None:
        """Stop what this sandbox keeps between jobs (a warm zygote, warm containers) and remove
        their cgroups and job directories. Safe to call more than once; a job started later
        starts them again. A backend that keeps nothing between jobs has nothing to stop."""
        return None

    def run(self, job: Job) -> JobResult:
        """Run a job to the end: feed its stdin, collect stdout and stderr within limits."""
        running = self.start(job)
        collected = collect_output(
            running, stdin=job.stdin, limit=job.limits.output_bytes, deadline_seconds=None
        )
        result = running.finish(kill=collected.truncated)
        return with_stdout(result, collected.stdout, truncated=collected.truncated)


class CollectedOutput:
    def __init__(self) -> None:
        self.stdout = b""
        self.truncated = False


def collect_output(
    running: RunningJob, *, stdin: bytes, limit: int, deadline_seconds: float | None
) -> CollectedOutput:
    """Write `stdin` and read stdout until EOF, keeping at most `limit` bytes. Reading past the
    limit stops the job: a job printing 1 GB must not make the caller hold 1 GB."""
    collected = CollectedOutput()
    chunks: list[bytes] = []
    kept = 0
    selector = selectors.DefaultSelector()
    os.set_blocking(running.stdout_fd, False)
    selector.register(running.stdout_fd, selectors.EVENT_READ)
    pending = memoryview(stdin)
    stdin_fd = running.stdin_fd
    if pending:
        os.set_blocking(stdin_fd, False)
        selector.register(stdin_fd, selectors.EVENT_WRITE)
    else:
        running.close_stdin()
    started = time.monotonic()
    try:
        while selector.get_map():
            timeout = None
            if deadline_seconds is not None:
                timeout = max(0.0, deadline_seconds - (time.monotonic() - started))
            events = selector.select(timeout)
            if not events:
                break
            for key, _ in events:
                if key.fd == stdin_fd:
                    try:
                        written = os.write(key.fd, pending[:65536])
                    except (BrokenPipeError, BlockingIOError):
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(key.fd)
                        running.close_stdin()
                    continue
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    selector.unregister(key.fd)
                    continue
                room = limit - kept
                if len(data) > room:
                    chunks.append(data[:room])
                    kept = limit
                    collected.truncated = True
                    return collected
                chunks.append(data)
                kept += len(data)
    finally:
        collected.stdout = b"".join(chunks)
        selector.close()
    return collected


def with_stdout(result: JobResult, stdout: bytes, *, truncated: bool) -> JobResult:
    return replace(result, stdout=stdout, output_truncated=result.output_truncated or truncated)


class BoundedBuffer:
    """Keeps the first `limit` bytes of what it is given; `add` says False once more came."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.kept = 0
        self.truncated = False

    def add(self, data: bytes) -> bool:
        room = self.limit - self.kept
        if room > 0:
            self.chunks.append(data[:room])
            self.kept += min(room, len(data))
        if len(data) > room:
            self.truncated = True
        return not self.truncated

    def value(self) -> bytes:
        return b"".join(self.chunks)


class BoundedReader(threading.Thread):
    """Drains a pipe in the background into `buffer` (a BoundedBuffer); past its limit it calls
    `on_overflow` once (the job is stopped) and keeps draining, so the writer never blocks."""

    def __init__(self, fd: int, limit: int, on_overflow: Callable[[], None] | None = None) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.buffer = BoundedBuffer(limit)
        self.on_overflow = on_overflow

    def run(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            if not self.buffer.add(data) and self.on_overflow is not None:
                self.on_overflow()
                self.on_overflow = None
        _close_quietly(self.fd)


def release_in_background(release: Callable[[], None]) -> None:
    """Run a dropped job's release (a finalizer) in a thread of its own: garbage collection may
    call it while this thread holds any lock, the release's own included. At exit, once other
    threads are done, it runs here."""
    if not threading.main_thread().is_alive():
        release()
        return
    threading.Thread(target=release, daemon=True).start()


JOB_DIRECTORY_PREFIX = "academy-job-"


def make_job_directory(root: str | None = None) -> str:
    """A fresh directory for a job's files, to be bound read-only at /job.

    It is `<private>/job`: the private parent is 0700 and this process's own, so no other host
    user can reach the files (a grading's hidden tests are among them), while the directory
    itself is 0755 so the sandbox user can read it once it is bound at /job (a bind mount is
    reached without crossing its host parents)."""
    parent = tempfile.mkdtemp(prefix=JOB_DIRECTORY_PREFIX, dir=root)
    try:
        os.chmod(parent, 0o700)
        job_dir = os.path.join(parent, "job")
        os.mkdir(job_dir)
        os.chmod(job_dir, 0o755)
    except BaseException:
        shutil.rmtree(parent, ignore_errors=True)
        raise
    return job_dir


def remove_job_directory(job_dir: str) -> None:
    """Remove a directory from make_job_directory() with its private parent."""
    parent = os.path.dirname(job_dir)
    if os.path.basename(parent).startswith(JOB_DIRECTORY_PREFIX):
        shutil.rmtree(parent, ignore_errors=True)
    else:
        shutil.rmtree(job_dir, ignore_errors=True)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def popen_without_environment(argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    """Start a process with an empty environment: the worker's secrets must not be readable
    from the sandbox launcher's /proc/<pid>/environ."""
    return subprocess.Popen(argv, env={}, close_fds=True, **kwargs)  # type: ignore[call-overload, no-any-return]


def split_init_status(status: int | None) -> tuple[int | None, int | None]:
    """(exit code, signal) from the exit status of a job's init (bwrap, docker-init), which
    reports its child's death by signal as 128 + signal."""
    if status is not None and 128 < status < 128 + 65:
        return None, status - 128
    return status, None


@dataclass(frozen=True)
class ResourceUse:
    """What a finished job used, as its backend measured it."""

    wall_seconds: float
    cpu_seconds: float
    peak_memory_bytes: int
    out_of_memory: bool


def job_result(
    limits: Limits,
    status: tuple[int | None, int | None],
    stderr: BoundedBuffer,
    use: ResourceUse,
    *,
    timed_out: bool,
) -> JobResult:
    """The one way every backend's finish() reports a job, from its (exit code, signal) and
    what it used (stdout is the caller's to add: it reads the pipe itself). A job past its CPU
    time dies of SIGXCPU (or of the SIGKILL a second later); one whose wall time ran out is
    reported as timed out only."""
    exit_code, signal_number = status
    cpu_exceeded = signal_number == signal.SIGXCPU or use.cpu_seconds >= limits.cpu_seconds
    return JobResult(
        exit_code=exit_code,
        signal=signal_number,
        stdout=b"",
        stderr=stderr.value(),
        timed_out=timed_out,
        out_of_memory=use.out_of_memory,
        output_truncated=stderr.truncated,
        wall_seconds=use.wall_seconds,
        peak_memory_bytes=use.peak_memory_bytes,
        cpu_seconds=use.cpu_seconds,
        cpu_limit_exceeded=cpu_exceeded and not timed_out,
    )


def cpu_seconds_limit(limits: Limits) -> int:
    """The job's RLIMIT_CPU in whole seconds (the kernel counts no fractions), at least 1."""
    return max(1, math.ceil(limits.cpu_seconds))


def thread_count(limits: Limits) -> int:
    """How many threads the numeric libraries may start: the job's CPU share, rounded up."""
    return max(1, math.ceil(limits.cpus))


def job_environment(job: Job, *, path: str, cuda_visible_devices: str) -> dict[str, str]:
    """The job's whole environment: nothing of the worker's passes through. Backends differ
    only in PATH and in how the job's GPU is numbered."""
    environment = {
        "HOME": "/tmp",
        "PATH": path,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
    }
    threads = str(thread_count(job.limits))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = threads
    environment["CUDA_VISIBLE_DEVICES"] = cuda_visible_devices
    environment.update(job.environment)
    return environment


def write_job_files(job: Job, job_dir: str) -> None:
    """The job's files (0644, directories 0755) under its job directory; a name that would
    land outside it is refused."""
    root = Path(job_dir).resolve()
    for name, content in job.files.items():
        target = Path(job_dir) / name
        if not target.resolve().is_relative_to(root):
            raise SandboxError(f"Job file name {name!r} escapes the job directory.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.parent.chmod(0o755)
        target.write_bytes(content)
        target.chmod(0o644)
