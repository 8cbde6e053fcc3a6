"""The host side of the warm path: starts a zygote inside a bubblewrap sandbox and turns each job
into one forked, isolated, single-use child of it.

The zygote sandbox is built like any bwrap job (read-only root, no network, uid 65534, empty
environment) and lives in its own cgroup. For a job, this process makes the job's cgroup and
pipes, hands the zygote only descriptors, learns the child's host PID from the kernel
(SCM_CREDENTIALS), moves the child into the job's cgroup, and only then sends it the job.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.jobs import Job, JobResult, Limits, SandboxError
from sandbox.runner import RunningJob

logger = logging.getLogger(__name__)

ZYGOTE = Path(__file__).with_name("zygote.py")
WARM_MODULES = ("numpy", "torch")
START_SECONDS = 60.0


class Zygote:
    def __init__(
        self,
        process: subprocess.Popen[bytes],
        control: socket.socket,
        group: JobGroup,
        job_dir: str,
    ) -> None:
        self.process = process
        self.job_dir = job_dir  # bound at the zygote's /job; jobs mount their own over it
        self.control = control
        self.group = group
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        try:
            self.control.close()
        except OSError:
            pass
        self.group.remove()
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.job_dir, ignore_errors=True)


class WarmPool:
    """One zygote per sandbox instance, started on first use and restarted if it dies."""

    def __init__(self, backend: Any, cgroups: CgroupManager) -> None:
        self.backend = backend
        self.cgroups = cgroups
        self.zygote: Zygote | None = None
        self.lock = threading.Lock()

    def _start_zygote(self) -> Zygote:
        host_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        group = self.cgroups.create(
            Limits(memory_mb=4096, processes=512, cpus=float(os.cpu_count() or 1))
        )
        job = Job(
            command=("python", "-I", "/job/zygote.py", *WARM_MODULES),
            files={"zygote.py": ZYGOTE.read_bytes()},
        )
        job_dir = self.backend.job_directory(job)
        argv = self.backend.argv(job, job_dir, None)
        launcher = "\n".join(
            [f"echo $$ > {path}/cgroup.procs || exit 125" for path in group.paths]
            + ["exec 3<&0 0</dev/null", 'exec "$@"']
        )
        # The zygote's control socket arrives as its stdin and is moved to fd 3 by the launcher.
        process = subprocess.Popen(
            ["/bin/sh", "-c", launcher, "zygote", *argv],
            env={},
            stdin=zygote_end.fileno(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=True,
        )
        zygote_end.close()
        host_end.settimeout(START_SECONDS)
        try:
            ready = host_end.recv(16)
        except OSError:
            ready = b""
        if ready != b"ready\n":
            shutil.rmtree(job_dir, ignore_errors=True)
            error = (
                process.stderr.read().decode("utf-8", "replace")[-2000:] if process.stderr else ""
            )
            process.kill()
            group.remove()
            raise SandboxError(f"The warm sandbox did not start: {error}")
        host_end.settimeout(None)
        if process.stderr is not None:
            threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        return Zygote(process, host_end, group, job_dir)

    def ready(self) -> Zygote:
        with self.lock:
            if self.zygote is None or not self.zygote.alive():
                if self.zygote is not None:
                    self.zygote.stop()
                self.zygote = self._start_zygote()
            return self.zygote

    def start(self, job: Job) -> RunningJob:
        zygote = self.ready()
        group = self.cgroups.create(job.limits)
        child_control, host_control = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        host_control.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        child_fds = [child_control.fileno(), stdin_read, stdout_write, stderr_write]
        try:
            with zygote.lock:
                socket.send_fds(zygote.control, [b"F"], child_fds)
        except OSError as error:
            for fd in (stdin_write, stdout_read, stderr_read):
                os.close(fd)
            group.remove()
            raise SandboxError(f"The warm sandbox is gone: {error}") from error
        finally:
            child_control.close()
            for fd in (stdin_read, stdout_write, stderr_write):
                os.close(fd)
        host_control.settimeout(10)
        try:
            _, ancillary, _, _ = host_control.recvmsg(16, socket.CMSG_SPACE(12))
            pid = _peer_pid(ancillary)
            for path in group.paths:
                (path / "cgroup.procs").write_text(str(pid))
            spec = {
                "argv": list(job.command),
                "environment": self.backend.environment(job, None),
                "files": {name: content.hex() for name, content in job.files.items()},
                "tmp_bytes": job.limits.tmp_mb * 1024 * 1024,
                "cpu_seconds": max(1, int(job.limits.cpu_seconds + 0.999)),
            }
            payload = json.dumps(spec).encode()
            host_control.sendall(struct.pack("!I", len(payload)) + payload)
        except (OSError, ValueError) as error:
            group.remove()
            host_control.close()
            for fd in (stdin_write, stdout_read, stderr_read):
                os.close(fd)
            raise SandboxError(f"The warm sandbox did not take the job: {error}") from error
        host_control.settimeout(None)
        return WarmRunningJob(job, group, host_control, stdin_write, stdout_read, stderr_read)

    def close(self) -> None:
        with self.lock:
            if self.zygote is not None:
                self.zygote.stop()
                self.zygote = None


def _drain(stream: Any) -> None:
    for line in stream:
        logger.warning("warm sandbox: %s", line.decode("utf-8", "replace").rstrip())


def _peer_pid(ancillary: list[tuple[int, int, bytes]]) -> int:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid, _uid, _gid = struct.unpack("iII", data[:12])
            if pid > 0:
                return int(pid)
    raise ValueError("the warm child sent no credentials")


class WarmRunningJob(RunningJob):
    def __init__(
        self,
        job: Job,
        group: JobGroup,
        control: socket.socket,
        stdin_fd: int,
        stdout_fd: int,
        stderr_fd: int,
    ) -> None:
        self.job = job
        self.group = group
        self.control = control
        self._stdin = stdin_fd
        self._stdin_open = True
        self._stdout = stdout_fd
        self.watch(stderr_fd=stderr_fd, limits=job.limits)

    @property
    def stdin_fd(self) -> int:
        return self._stdin

    @property
    def stdout_fd(self) -> int:
        return self._stdout

    def close_stdin(self) -> None:
        if self._stdin_open:
            self._stdin_open = False
            try:
                os.close(self._stdin)
            except OSError:
                pass

    def _kill(self) -> None:
        self.group.kill_all()

    def _status(self, wait_seconds: float | None) -> dict[str, Any]:
        self.control.settimeout(wait_seconds)
        try:
            header = self.control.recv(4, socket.MSG_WAITALL)
            if len(header) != 4:
                return {}
            (length,) = struct.unpack("!I", header)
            data = self.control.recv(length, socket.MSG_WAITALL)
            parsed = json.loads(data)
            return parsed if isinstance(parsed, dict) else {}
        except (OSError, ValueError):
            return {}

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        if self._finished:
            raise RuntimeError("finish() called twice")
        self._finished = True
        if kill:
            self._kill()
        status = self._status(wait_seconds)
        if not status:
            self._kill()
        wall = time.monotonic() - self.started
        self.timer.cancel()
        self.group.kill_all()
        self.stderr_reader.join(timeout=5)
        self.close_stdin()
        try:
            os.close(self._stdout)
        except OSError:
            pass
        self.control.close()
        out_of_memory = self.group.out_of_memory()
        peak = self.group.peak_memory_bytes()
        cpu = self.group.cpu_seconds()
        self.group.remove()
        exit_code = status.get("exit")
        signal_number = status.get("signal")
        if not status:
            exit_code, signal_number = None, 9
        cpu_exceeded = signal_number == 24 or cpu >= self.job.limits.cpu_seconds
        return JobResult(
            exit_code=exit_code if isinstance(exit_code, int) else None,
            signal=signal_number if isinstance(signal_number, int) else None,
            stdout=b"",
            stderr=self.stderr_reader.value(),
            timed_out=self.timed_out,
            out_of_memory=out_of_memory,
            output_truncated=self.stderr_reader.truncated,
            wall_seconds=wall,
            peak_memory_bytes=peak,
            cpu_seconds=cpu,
            cpu_limit_exceeded=cpu_exceeded and not self.timed_out,
        )
