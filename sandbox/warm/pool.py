"""The host side of the warm path: starts a zygote inside a bubblewrap sandbox and turns each job
into one forked, isolated, single-use child of it.

The zygote sandbox is built like any bwrap job (read-only root, no network, uid 65534, empty
environment) and lives in its own cgroup. For a job, this process makes the job's cgroup and
pipes, hands the zygote only descriptors, learns the child's host PID from the kernel
(SCM_CREDENTIALS), moves the child into the job's cgroup, and only then sends it the job.

Before each job the zygote must answer a ping: one that does not (stopped, frozen, dying) is
replaced, and a job whose fork it did not hand over is retried once on the fresh zygote. Jobs
the old zygote forked keep running in its sandbox, which is stopped after the last of them.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import socket
import struct
import subprocess
import threading
import weakref
from typing import IO, Protocol

from sandbox.base import RunningJob, remove_job_directory
from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.events import warm_restarted
from sandbox.inside import ZYGOTE
from sandbox.jobs import Job, Limits, SandboxError
from sandbox.warm.common import WARM_MODULES, ProcessLocalPool, WarmJobSpec, warm_job_spec
from sandbox.warm.job import WarmRunningJob

logger = logging.getLogger(__name__)

START_SECONDS = 60.0


PING_SECONDS = 5.0  # a zygote answers in microseconds; a loaded host must not look dead
HANDSHAKE_SECONDS = 10.0


class ZygoteHost(Protocol):
    """What the pool needs of its backend (bwrap): a job's directory, launcher argv and
    environment, built as for any cold job of it."""

    def job_directory(self, job: Job) -> str: ...

    def argv(self, job: Job, job_dir: str, gpu_index: int | None) -> list[str]: ...

    def environment(self, job: Job, gpu_index: int | None) -> dict[str, str]: ...


class ZygoteJobSpec(WarmJobSpec):
    """A zygote's child also makes the job's /job and /tmp itself: it gets the files (hex)."""

    files: dict[str, str]
    tmp_bytes: int


class ZygoteUnanswered(Exception):
    """The zygote did not fork a child for a job or did not answer: it is replaced."""


class Zygote:
    def __init__(
        self,
        process: subprocess.Popen[bytes],
        control: socket.socket,
        group: JobGroup,
        job_dir: str,
        pid: int,
    ) -> None:
        self.process = process
        self.job_dir = job_dir  # bound at the zygote's /job; jobs mount their own over it
        self.control = control
        self.control.settimeout(PING_SECONDS)
        self.group = group
        self.pid = pid  # the zygote's own Python process, as this host numbers it
        self.lock = threading.Lock()  # one request at a time on the control socket
        self.jobs = 0  # started and not yet finished (the pool's lock guards it)
        self.retired = False
        self.stopped = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def answers(self) -> bool:
        """Alive and answering: a stopped (SIGSTOP), frozen or dying zygote is still a running
        process to `poll()`, but it does not answer a ping."""
        if not self.alive():
            return False
        with self.lock:
            try:
                self.control.sendall(b"P")
                return self.control.recv(1) == b"p"
            except OSError:
                return False

    def stop(self) -> None:
        """Stop the zygote's whole sandbox and remove its cgroup and job directory (twice is
        harmless)."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.control.close()
        except OSError:
            pass
        self.group.remove()
        self.process.kill()
        self.process.wait()
        remove_job_directory(self.job_dir)


class WarmPool(ProcessLocalPool):
    """One zygote per sandbox instance, started on first use and replaced when it dies or stops
    answering. A replaced zygote is left as it is until the last job it forked has finished (its
    jobs live in its PID namespace), then stopped."""

    def __init__(self, backend: ZygoteHost, cgroups: CgroupManager) -> None:
        super().__init__()
        self.backend = backend
        self.cgroups = cgroups
        self.zygote: Zygote | None = None
        self.retired: list[Zygote] = []
        # At exit the zygote's cgroup and job directory go too (`manage.py grade` never says
        # it is done). A weak reference, so the hook keeps no pool alive.
        atexit.register(_close_pool, weakref.ref(self))

    def _start_zygote(self) -> Zygote:
        host_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # The kernel attaches the sender's pid, in this host's numbering, to what the zygote
        # sends: its "ready" tells us which process it is.
        host_end.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        group = self.cgroups.create(
            Limits(memory_mb=4096, processes=512, cpus=float(os.cpu_count() or 1))
        )
        job = Job(
            command=("python", "-I", "/job/zygote.py", *WARM_MODULES),
            files={"zygote.py": ZYGOTE.read_bytes()},
        )
        try:
            job_dir = self.backend.job_directory(job)
        except BaseException:
            group.remove()
            raise
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
        pid = 0
        try:
            ready, ancillary, _, _ = host_end.recvmsg(16, socket.CMSG_SPACE(12))
            pid = _peer_pid(ancillary)
        except (OSError, ValueError):
            ready = b""
        if ready != b"ready\n" or pid <= 0:
            remove_job_directory(job_dir)
            process.kill()
            error = (
                process.stderr.read().decode("utf-8", "replace")[-2000:] if process.stderr else ""
            )
            process.wait()
            group.remove()
            host_end.close()
            raise SandboxError(f"The warm sandbox did not start: {error}")
        if process.stderr is not None:
            threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        return Zygote(process, host_end, group, job_dir, pid)

    def _forget(self) -> None:
        self.zygote = None
        self.retired = []

    def ready(self) -> Zygote:
        """The current zygote once it has answered a ping; a fresh one in place of one that
        does not."""
        with self.lock:
            self._forked()
            zygote = self.zygote
            if zygote is not None and zygote.answers():
                return zygote
            if zygote is not None:
                self._retire(zygote)
            self.zygote = self._start_zygote()
            return self.zygote

    def _retire(self, zygote: Zygote) -> None:
        """Take a zygote out of service (the pool's lock is held)."""
        if self.zygote is zygote:
            self.zygote = None
        if zygote.retired:
            return
        logger.warning(
            "The warm sandbox (pid %s) stopped answering; starting a fresh one.", zygote.pid
        )
        zygote.retired = True
        warm_restarted("bwrap")
        # Its sandbox goes only once the jobs it forked have ended: they live in its PID
        # namespace, and neither the zygote nor its bwrap may die under them.
        if zygote.jobs == 0:
            zygote.stop()
        else:
            self.retired.append(zygote)

    def _job_done(self, zygote: Zygote) -> None:
        with self.lock:
            zygote.jobs -= 1
            if zygote.retired and zygote.jobs == 0:
                zygote.stop()
                if zygote in self.retired:
                    self.retired.remove(zygote)

    def start(self, job: Job) -> RunningJob:
        """Fork a child for the job; if the zygote does not hand one over, replace it and try
        once more on the fresh one, so no job fails for what an earlier one left behind."""
        problem: ZygoteUnanswered | None = None
        for _ in range(2):
            zygote = self.ready()
            try:
                return self._fork(zygote, job)
            except ZygoteUnanswered as error:
                problem = error
                with self.lock:
                    self._retire(zygote)
        raise SandboxError(f"The warm sandbox did not take the job: {problem}")

    def _fork(self, zygote: Zygote, job: Job) -> RunningJob:
        group = self.cgroups.create(job.limits)
        with self.lock:
            zygote.jobs += 1
        try:
            return self._hand_over(zygote, job, group)
        except BaseException:
            group.remove()
            self._job_done(zygote)
            raise

    def _hand_over(self, zygote: Zygote, job: Job, group: JobGroup) -> RunningJob:
        child_control, host_control = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        host_control.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        child_fds = [child_control.fileno(), stdin_read, stdout_write, stderr_write]
        kept = [stdin_write, stdout_read, stderr_read]
        try:
            try:
                with zygote.lock:
                    socket.send_fds(zygote.control, [b"F"], child_fds)
            except OSError as error:
                raise ZygoteUnanswered(f"the zygote is gone ({error})") from error
            finally:
                child_control.close()
                for fd in (stdin_read, stdout_write, stderr_write):
                    os.close(fd)
            host_control.settimeout(HANDSHAKE_SECONDS)
            try:
                _, ancillary, _, _ = host_control.recvmsg(16, socket.CMSG_SPACE(12))
                pid = _peer_pid(ancillary)
                for path in group.paths:
                    (path / "cgroup.procs").write_text(str(pid))
            except (OSError, ValueError) as error:
                # Nothing of the job has run, nor any of its limits held: the zygote failed.
                raise ZygoteUnanswered(f"no child took the job ({error})") from error
            spec: ZygoteJobSpec = {
                **warm_job_spec(job, self.backend.environment(job, None)),
                "files": {name: content.hex() for name, content in job.files.items()},
                "tmp_bytes": job.limits.tmp_mb * 1024 * 1024,
            }
            payload = json.dumps(spec).encode()
            host_control.settimeout(None)  # the child reads it all, or dies and we hear EPIPE
            try:
                host_control.sendall(struct.pack("!I", len(payload)) + payload)
            except OSError:
                # The child is in the job's cgroup now: dying here is the job's own limits at
                # work (its files did not fit its memory), and finish() reports it so.
                pass
        except BaseException:
            host_control.close()
            for fd in kept:
                os.close(fd)
            raise
        return WarmRunningJob(
            job,
            group,
            host_control,
            stdin_write,
            stdout_read,
            stderr_read,
            pid=pid,
            done=lambda: self._job_done(zygote),
        )

    def close(self) -> None:
        """Stop every zygote of this pool, with its cgroup and job directory. Safe to call twice;
        a later job starts a fresh zygote."""
        with self.lock:
            if not self._owned():
                return
            zygotes = [*self.retired, *([self.zygote] if self.zygote is not None else [])]
            self.zygote = None
            self.retired = []
        for zygote in zygotes:
            zygote.retired = True
            zygote.stop()


def _close_pool(reference: weakref.ref[WarmPool]) -> None:
    pool = reference()
    if pool is not None:
        pool.close()


def _drain(stream: IO[bytes]) -> None:
    for line in stream:
        logger.warning("warm sandbox: %s", line.decode("utf-8", "replace").rstrip())


def _peer_pid(ancillary: list[tuple[int, int, bytes]]) -> int:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid, _uid, _gid = struct.unpack("iII", data[:12])
            if pid > 0:
                return int(pid)
    raise ValueError("the warm child sent no credentials")
