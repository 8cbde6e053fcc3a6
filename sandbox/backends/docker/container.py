"""One started container of the Docker backend: its attach socket split into real pipes for the
caller (a pump thread feeds stdin, a reader thread demultiplexes stdout and a bounded stderr),
its wall timer, and everything it holds on the host until release().
"""

from __future__ import annotations

import os
import select
import signal
import socket
import threading
import time
from typing import IO, Any

import docker
import requests

from sandbox.backends.docker.daemon import ParentGroup, remove_container
from sandbox.base import BoundedBuffer, remove_job_directory
from sandbox.inside.warm_server import READY
from sandbox.jobs import Job, Limits, SandboxError

STDOUT_STREAM = 1
STDERR_STREAM = 2


class Container:
    """A started container, its attach socket split into pipes, and everything it holds."""

    def __init__(
        self,
        *,
        api: Any,
        container_id: str,
        attached: Any,
        limits: Limits,
        job_dir: str,
        parent: ParentGroup,
        warm: bool,
    ) -> None:
        self.api = api
        self.container_id = container_id
        self.limits = limits
        self.job_dir = job_dir
        self.parent = parent
        self.group = parent.group
        self.gpu_lock: IO[str] | None = None
        self.timed_out = False
        self.killed = False
        self.released = False
        self.started = time.monotonic()
        self.deadline = self.started + limits.wall_seconds
        self.cpu_baseline = 0.0
        self.ready = threading.Event()
        self.ended = threading.Event()
        self._waiting_for_ready = warm
        if not warm:
            self.ready.set()
        # The HTTP response must stay referenced, or the socket under it is closed.
        self._attached = attached
        self.socket: socket.socket = getattr(attached, "_sock", attached)
        self.socket.settimeout(None)
        self.stdin_read, self.stdin_write = os.pipe()
        self.stdout_read, self.stdout_write = os.pipe()
        os.set_blocking(self.stdout_write, False)
        # Set once the job is being stopped: its stdout is dropped from then on, so that a
        # caller who stopped reading cannot hold up the container's end (the daemon waits
        # for its output streams before it reports the exit).
        self.discard_stdout = threading.Event()
        self.identities = {
            self.stdin_write: _identity(self.stdin_write),
            self.stdout_read: _identity(self.stdout_read),
        }
        self.stderr = BoundedBuffer(limits.output_bytes)
        self.pump = threading.Thread(target=self._pump_stdin, daemon=True)
        self.reader = threading.Thread(target=self._demultiplex, daemon=True)
        self.timer: threading.Timer | None = None
        self.reader.start()

    def begin(self, job: Job) -> None:
        """The job starts now: its stdin flows and its wall clock runs."""
        self.started = time.monotonic()
        self.deadline = self.started + job.limits.wall_seconds
        self.pump.start()
        self.timer = threading.Timer(job.limits.wall_seconds, self._time_out)
        self.timer.daemon = True
        self.timer.start()

    def apply_limits(self, limits: Limits) -> None:
        """Set a warm container's memory, processes and CPU share to its job's."""
        if (limits.memory_mb, limits.processes, limits.cpus) == (
            self.limits.memory_mb,
            self.limits.processes,
            self.limits.cpus,
        ):
            return
        memory = limits.memory_mb * 1024 * 1024
        try:
            response = self.api._post_json(
                self.api._url("/containers/{0}/update", self.container_id),
                data={
                    "Memory": memory,
                    "MemorySwap": memory,
                    "PidsLimit": limits.processes,
                    "NanoCpus": int(limits.cpus * 1_000_000_000),
                },
            )
            self.api._raise_for_status(response)
        except docker.errors.APIError as error:
            raise SandboxError(f"cannot apply the job's limits: {error}") from error
        self.limits = limits

    def reset_accounting(self) -> None:
        """Count CPU time and peak memory from the job's start, not the container's."""
        if self.group is None:
            return
        self.cpu_baseline = self.group.cpu_seconds()
        if self.group.version == 1 and self.group.memory is not None:
            try:
                (self.group.memory / "memory.max_usage_in_bytes").write_text("0")
            except OSError:
                pass

    def _pump_stdin(self) -> None:
        """Caller's stdin pipe -> container stdin; end of file half-closes the socket, which
        the daemon passes on as the container's stdin closing (stdin_once)."""
        try:
            while True:
                data = os.read(self.stdin_read, 65536)
                if not data:
                    break
                self.socket.sendall(data)
        except OSError:
            pass
        finally:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # A caller still writing now gets EPIPE, as from a dead process's stdin.
            os.close(self.stdin_read)

    def _demultiplex(self) -> None:
        """Container's multiplexed stream -> stdout pipe and bounded stderr buffer. A warm
        container's own output before its ready line is dropped."""
        stdout_open = True
        greeting = b""
        try:
            while True:
                header = _receive_exactly(self.socket, 8)
                if header is None:
                    break
                stream = header[0]
                length = int.from_bytes(header[4:8], "big")
                payload = _receive_exactly(self.socket, length)
                if payload is None:
                    break
                if self._waiting_for_ready:
                    if stream == STDOUT_STREAM:
                        greeting = (greeting + payload)[-len(READY) :]
                        if greeting == READY:
                            self._waiting_for_ready = False
                            self.ready.set()
                    continue
                if stream == STDOUT_STREAM and stdout_open:
                    stdout_open = _write_all(self.stdout_write, payload, self.discard_stdout)
                elif stream == STDERR_STREAM and not self.stderr.add(payload):
                    self.kill()
        except OSError:
            pass
        finally:
            os.close(self.stdout_write)
            self.ended.set()
            self.ready.set()  # wakes anyone waiting for a warm container that died

    def _time_out(self) -> None:
        self.timed_out = True
        self.kill()

    def kill(self) -> None:
        self.killed = True
        self.discard_stdout.set()
        try:
            self.api.kill(self.container_id)
        except (docker.errors.APIError, OSError):
            pass  # already stopped

    def wait(self, wait_seconds: float | None) -> None:
        if wait_seconds is None:
            # The wall timer stops the job; this only guards against a daemon that hangs.
            wait_seconds = max(0.0, self.deadline - time.monotonic()) + 30
        try:
            self.api.wait(self.container_id, timeout=wait_seconds)
        except (requests.exceptions.RequestException, docker.errors.APIError):
            self.kill()
            try:
                self.api.wait(self.container_id, timeout=30)
            except (requests.exceptions.RequestException, docker.errors.APIError):
                pass

    def state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = self.api.inspect_container(self.container_id)["State"]
        except docker.errors.APIError:
            return {}
        # The daemon may hear of the OOM kill just after the exit: look again, briefly.
        for _ in range(5):
            if state.get("OOMKilled") or state.get("ExitCode") != 128 + signal.SIGKILL:
                break
            if self.killed:
                break
            time.sleep(0.02)
            try:
                state = self.api.inspect_container(self.container_id)["State"]
            except docker.errors.APIError:
                break
        return state

    def close_caller_end(self, fd: int) -> None:
        """Close the caller's end of a pipe once, unless the caller closed it already."""
        identity = self.identities.pop(fd, None)
        if identity is not None and _identity(fd) == identity:
            os.close(fd)

    def close_caller_ends(self) -> None:
        """Unblock the pump (end of its input) and the reader (a caller that stopped reading
        stdout)."""
        for fd in list(self.identities):
            self.close_caller_end(fd)

    def release(self) -> None:
        """Remove the container and everything of it, whatever state it is in (once: a second
        call does nothing)."""
        if self.released:
            return
        self.released = True
        if self.timer is not None:
            self.timer.cancel()
        remove_container(self.api, self.container_id)
        try:
            self.socket.close()
        except OSError:
            pass
        self._attached = None
        self.close_caller_ends()
        if not self.pump.is_alive() and self.pump.ident is None:
            os.close(self.stdin_read)  # the job never began: no pump to close it
        self.parent.remove()
        remove_job_directory(self.job_dir)
        if self.gpu_lock is not None:
            self.gpu_lock.close()
            self.gpu_lock = None


def _receive_exactly(sock: socket.socket, count: int) -> bytes | None:
    """`count` bytes from the socket, or None at its end."""
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(min(count - len(data), 1 << 20))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _write_all(fd: int, data: bytes, discard: threading.Event) -> bool:
    """Write to the stdout pipe, waiting while it is full; False once the caller closed it or
    the job is being stopped."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            if discard.is_set():
                return False
            select.select([], [fd], [], 0.05)
            continue
        except OSError:
            return False
        view = view[written:]
    return True


def _identity(fd: int) -> tuple[int, int] | None:
    """What file a descriptor number refers to now: a closed and reused number differs."""
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)
