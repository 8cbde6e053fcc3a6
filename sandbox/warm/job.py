"""A job forked from the bwrap warm path's zygote, as the host holds it: its cgroup, its pipe
and socket ends, and the report of its exit status that the zygote's child sends at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import time
import weakref
from collections.abc import Callable

from sandbox.base import ResourceUse, RunningJob, job_result, release_in_background
from sandbox.cgroups import JobGroup
from sandbox.jobs import Job, JobResult


class _Holdings:
    """What a warm job holds on this host: its cgroup, its pipe and socket ends, and its place
    in the zygote's count. Released once, by finish() or, for a job never finished, when it is
    garbage-collected or the process exits."""

    def __init__(
        self, group: JobGroup, control: socket.socket, fds: list[int], done: Callable[[], None]
    ) -> None:
        self.group = group
        self.control = control
        self.fds = set(fds)
        self.done = done
        self.released = False

    def close(self, fd: int) -> None:
        """Close one of our descriptors once; a number closed twice could be another file's."""
        if fd in self.fds:
            self.fds.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        try:
            self.group.remove()
        finally:
            for fd in list(self.fds):
                self.close(fd)
            self.control.close()
            self.done()


class WarmRunningJob(RunningJob):
    """A job forked from the zygote. Call finish() exactly once (in a `finally`): it kills what is
    left of the job and releases its cgroup and descriptors, whatever happened before. A job
    dropped without finish() is stopped by its wall timer and released when collected."""

    def __init__(
        self,
        job: Job,
        group: JobGroup,
        control: socket.socket,
        stdin_fd: int,
        stdout_fd: int,
        stderr_fd: int,
        *,
        pid: int,
        done: Callable[[], None],
    ) -> None:
        self.job = job
        self.group = group
        self.control = control
        self.pid = pid  # the child's host pid (the job runs as its child)
        self._stdin = stdin_fd
        self._stdout = stdout_fd
        # The stderr end belongs to its reader thread, which closes it.
        self._holdings = _Holdings(group, control, [stdin_fd, stdout_fd], done)
        # Dropped unfinished: release from a thread (GC may run inside the pool's lock).
        self._release = weakref.finalize(self, release_in_background, self._holdings.release)
        self.watch(stderr_fd=stderr_fd, limits=job.limits)

    @property
    def stdin_fd(self) -> int:
        return self._stdin

    @property
    def stdout_fd(self) -> int:
        return self._stdout

    def close_stdin(self) -> None:
        self._holdings.close(self._stdin)

    def _kill(self) -> None:
        self.group.kill_all()

    def _status(self, wait_seconds: float | None) -> dict[str, object]:
        self.control.settimeout(wait_seconds)
        try:
            header = self.control.recv(4, socket.MSG_WAITALL)
            if len(header) != 4:
                return {}
            (length,) = struct.unpack("!I", header)
            if length > 4096:
                return {}
            data = self.control.recv(length, socket.MSG_WAITALL)
            parsed = json.loads(data)
            return parsed if isinstance(parsed, dict) else {}
        except (OSError, ValueError):
            return {}

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        self._finishing()
        try:
            if kill:
                self._kill()
            status = self._status(wait_seconds)
            if not status:
                self._kill()
            wall = time.monotonic() - self.started
            self.timer.cancel()
            self.group.kill_all()
            self.stderr_reader.join(timeout=5)
            use = ResourceUse(
                wall_seconds=wall,
                cpu_seconds=self.group.cpu_seconds(),
                peak_memory_bytes=self.group.peak_memory_bytes(),
                out_of_memory=self.group.out_of_memory(),
            )
        finally:
            self.timer.cancel()
            self._release.detach()  # released here and now, not by a thread
            self._holdings.release()
        exit_code = status.get("exit")
        signal_number = status.get("signal")
        if not status:
            # No report: the child died with the job (or never ran it), killed by us.
            exit_code, signal_number = None, int(signal.SIGKILL)
        return job_result(
            self.job.limits,
            (
                exit_code if isinstance(exit_code, int) else None,
                signal_number if isinstance(signal_number, int) else None,
            ),
            self.stderr_reader.buffer,
            use,
            timed_out=self.timed_out,
        )
