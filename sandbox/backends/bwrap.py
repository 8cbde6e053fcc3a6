"""The bubblewrap backend.

Started as root (the worker's normal case here), bwrap builds the job's mount, PID, network,
IPC, UTS and cgroup namespaces with a root made of read-only binds (/usr, the sandbox's Python
environment and the job's files) and a private size-limited /tmp; then `setpriv` drops to uid
65534 with no capabilities and no-new-privileges before the job's command runs. The launcher
has an empty environment. Memory, processes and CPU share are limited by a per-job cgroup that
the launcher joins before bwrap starts; CPU time by RLIMIT_CPU (and address space by RLIMIT_AS,
where the job asks for a limit); wall time by a timer that kills the whole group. `--new-session`
gives the job a session and process group of its own, and in its PID namespace its parent is
bwrap's init, which ignores what a job sends it: no signal of a job (to its group, to -1, to its
parent, to any group number) reaches past the job. The job's files are in a private directory.

Started as an ordinary user, bwrap runs unprivileged in a new user namespace and limits come from
a delegated cgroup; where none is writable, the backend refuses to run unless the operator set
SANDBOX_ALLOW_UNENFORCED_LIMITS.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
import weakref
from pathlib import Path
from typing import IO

from sandbox.base import (
    ResourceUse,
    RunningJob,
    Sandbox,
    cpu_seconds_limit,
    job_environment,
    job_result,
    make_job_directory,
    popen_without_environment,
    remove_job_directory,
    split_init_status,
    write_job_files,
)
from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.gpus import DEFAULT_GPU_LOCK_DIR, acquire_gpu
from sandbox.jobs import Job, JobResult, Limits, SandboxError
from sandbox.warm.pool import WarmPool

logger = logging.getLogger(__name__)

SANDBOX_UID = 65534
SANDBOX_GID = 65534
BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"


def _real_directory(path: str) -> str:
    return os.path.realpath(path)


SANDBOX_VENV = "/opt/academy-venv"


def python_roots(python: str) -> list[tuple[str, str]]:
    """The directories a Python environment needs, as (host path, sandbox path): the venv, at a
    fixed path (the checkout may live under /tmp, which the sandbox replaces), and the
    interpreter its symlinks point to, at its own path."""
    venv = Path(python).parent.parent
    roots = [(str(venv), SANDBOX_VENV)]
    real_python = Path(os.path.realpath(python))
    interpreter_prefix = real_python.parent.parent
    if not str(interpreter_prefix).startswith("/usr"):
        roots.append((str(interpreter_prefix), str(interpreter_prefix)))
    return roots


class BwrapSandbox(Sandbox):
    name = "bwrap"

    def __init__(
        self,
        *,
        python: str,
        allow_unenforced_limits: bool = False,
        gpus: int = 0,
        gpu_lock_dir: Path = DEFAULT_GPU_LOCK_DIR,
        warm: bool = True,
    ) -> None:
        self.gpu_lock_dir = gpu_lock_dir
        if not Path(python).exists():
            raise SandboxError(
                f"The sandbox Python {python} does not exist: run `make setup` "
                "(it builds .venv-sandbox) or set SANDBOX_PYTHON."
            )
        if not Path(BWRAP).exists():
            raise SandboxError("bubblewrap is not installed: run `make setup`.")
        self.python = python
        self.roots = python_roots(python)
        self.privileged = os.geteuid() == 0
        self.cgroups = CgroupManager()
        self.limits_problem = self.cgroups.problem()
        self.allow_unenforced_limits = allow_unenforced_limits
        self.gpus = gpus
        self.warm = warm
        self.warm_pool = WarmPool(self, self.cgroups)
        if self.limits_problem and allow_unenforced_limits:
            logger.warning(
                "SANDBOX LIMITS ARE NOT ENFORCED (%s). Learner code can exhaust this host's "
                "memory and processes. Never run like this in production.",
                self.limits_problem,
            )

    def argv(self, job: Job, job_dir: str, gpu_index: int | None) -> list[str]:
        """The full launcher command line for a job (tests pin it down)."""
        limits = job.limits
        args = [BWRAP]
        if self.privileged:
            args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
            args += ["--unshare-cgroup"]
        else:
            args += ["--unshare-all", "--unshare-user", "--disable-userns"]
            args += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID)]
        args += ["--die-with-parent", "--new-session", "--clearenv"]
        args += ["--ro-bind", "/usr", "/usr"]
        for link in ("bin", "lib", "lib64", "sbin"):
            target = os.readlink(f"/{link}") if os.path.islink(f"/{link}") else None
            if target:
                args += ["--symlink", target, f"/{link}"]
            elif os.path.isdir(f"/{link}"):
                args += ["--ro-bind", f"/{link}", f"/{link}"]
        created: set[str] = {"/", "/usr", "/tmp", "/job", "/proc", "/dev"}
        for source, target in self.roots:
            args += _ancestors(target, created)
            args += ["--ro-bind", source, target]
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--size", str(limits.tmp_mb * 1024 * 1024), "--perms", "1777", "--tmpfs", "/tmp"]
        args += ["--ro-bind", job_dir, "/job"]
        environment = self.environment(job, gpu_index)
        if gpu_index is not None:
            for device in gpu_device_files(gpu_index):
                args += ["--dev-bind", device, device]
        for key, value in sorted(environment.items()):
            args += ["--setenv", key, value]
        args += ["--chdir", "/tmp", "--remount-ro", "/"]
        if self.privileged:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
            args += ["/usr/bin/setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}"]
            args += ["--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
            args += ["--no-new-privs", "--"]
        else:
            args += ["--"]
        command = list(job.command)
        if command and command[0] == "python":
            command[0] = f"{SANDBOX_VENV}/bin/{Path(self.python).name}"
        return args + command

    def environment(self, job: Job, gpu_index: int | None) -> dict[str, str]:
        """The job's whole environment: nothing of the worker's passes through."""
        cuda_visible_devices = "" if gpu_index is None else str(gpu_index)
        return job_environment(
            job, path="/usr/local/bin:/usr/bin:/bin", cuda_visible_devices=cuda_visible_devices
        )

    def job_directory(self, job: Job) -> str:
        """A fresh host directory with the job's files, bound read-only at /job; only this
        process's user can reach it on the host (see make_job_directory)."""
        job_dir = make_job_directory()
        try:
            write_job_files(job, job_dir)
        except BaseException:
            remove_job_directory(job_dir)
            raise
        return job_dir

    def close(self) -> None:
        """Stop the warm zygote, with its cgroup and job directory (twice is harmless)."""
        self.warm_pool.close()

    def prewarm(self) -> None:
        """Start the zygote now (a worker calls this at start) so no learner waits for it."""
        if self.uses_warm_path(Job(command=("python",))):
            self.warm_pool.ready()

    def uses_warm_path(self, job: Job) -> bool:
        """CPU Python jobs run as forks of a warm zygote (no 2 s torch import per job)."""
        command = job.command
        return (
            self.warm
            and self.privileged
            and not self.limits_problem
            and job.profile == "python-cpu"
            and job.limits.gpus == 0
            and bool(command)
            and command[0] == "python"
        )

    def start(self, job: Job) -> RunningJob:
        if self.limits_problem and not self.allow_unenforced_limits:
            raise SandboxError(
                "Refusing to run untrusted code: limits cannot be enforced "
                f"({self.limits_problem}). Set SANDBOX_ALLOW_UNENFORCED_LIMITS=true "
                "only if you accept the risk."
            )
        if self.uses_warm_path(job):
            return self.warm_pool.start(job)
        gpu_lock: IO[str] | None = None
        gpu_index = None
        if job.limits.gpus > 0:
            gpu_index, gpu_lock = acquire_gpu(
                self.gpus, job.limits.wall_seconds, lock_dir=self.gpu_lock_dir
            )
        job_dir = self.job_directory(job)
        group = None
        try:
            group = None if self.limits_problem else self.cgroups.create(job.limits)
            argv = self.argv(job, job_dir, gpu_index)
            launcher = _launcher(group, job.limits)
            process = popen_without_environment(
                ["/bin/sh", "-c", launcher, "sandbox", *argv],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except BaseException:
            remove_job_directory(job_dir)
            if group is not None:
                group.remove()
            if gpu_lock is not None:
                gpu_lock.close()
            raise
        return BwrapRunningJob(process, group, job, job_dir, gpu_lock)


def _ancestors(path: str, created: set[str]) -> list[str]:
    """bwrap creates missing parents of a bind as 0700 root: create them 0755 ourselves."""
    args: list[str] = []
    parts = Path(path).parts[1:-1]
    current = ""
    for part in parts:
        current += "/" + part
        if current not in created:
            created.add(current)
            args += ["--perms", "0755", "--dir", current]
    created.add(path)
    return args


def _launcher(group: JobGroup | None, limits: Limits) -> str:
    """A shell prelude run as root: join the job's cgroups, set rlimits, then exec bwrap."""
    lines = []
    if group is not None:
        for path in group.paths:
            lines.append(f"echo $$ > {path}/cgroup.procs || exit 125")
    cpu = cpu_seconds_limit(limits)
    lines.append(f"ulimit -t {cpu} && ulimit -c 0 || exit 125")
    if limits.address_space_mb is not None:
        # dash's -v is RLIMIT_AS, in KiB, soft and hard: bwrap and setpriv need a few MB of it.
        lines.append(f"ulimit -v {limits.address_space_mb * 1024} || exit 125")
    lines.append('exec "$@"')
    return "\n".join(lines)


def gpu_device_files(index: int) -> list[str]:
    """The device files one GPU needs: its own node and the driver's shared control nodes."""
    shared = [
        "/dev/nvidiactl",
        "/dev/nvidia-uvm",
        "/dev/nvidia-uvm-tools",
        "/dev/nvidia-modeset",
    ]
    return [f"/dev/nvidia{index}"] + [path for path in shared if os.path.exists(path)]


class BwrapRunningJob(RunningJob):
    """A cold bwrap job. Call finish() exactly once (in a `finally`): it removes the job's cgroup
    and job directory whatever happened before; a job dropped without it is stopped by its wall
    timer and cleaned up when collected."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        group: JobGroup | None,
        job: Job,
        job_dir: str,
        gpu_lock: IO[str] | None,
    ) -> None:
        self.process = process
        self.group = group
        self.job = job
        self.job_dir = job_dir
        self.gpu_lock = gpu_lock
        assert process.stderr is not None and process.stdin is not None
        assert process.stdout is not None
        stderr_fd = os.dup(process.stderr.fileno())
        process.stderr.close()
        self._release = weakref.finalize(
            self, _release_cold_job, group, job_dir, gpu_lock, [process.stdin, process.stdout]
        )
        self.watch(stderr_fd=stderr_fd, limits=job.limits)

    @property
    def stdin_fd(self) -> int:
        assert self.process.stdin is not None
        return self.process.stdin.fileno()

    def close_stdin(self) -> None:
        # The file object closes its descriptor once, however often it is asked.
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    @property
    def stdout_fd(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def _kill(self) -> None:
        try:
            self.process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.group is not None:
            self.group.kill_all()

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        self._finishing()
        try:
            if kill:
                self._kill()
            try:
                self.process.wait(timeout=wait_seconds)
            except subprocess.TimeoutExpired:
                self._kill()
                self.process.wait()
            wall = time.monotonic() - self.started
            self.timer.cancel()
            if self.group is not None:
                self.group.kill_all()
            self.stderr_reader.join(timeout=5)
            returncode = self.process.returncode
            use = ResourceUse(
                wall_seconds=wall,
                cpu_seconds=self.group.cpu_seconds() if self.group else 0.0,
                peak_memory_bytes=self.group.peak_memory_bytes() if self.group else 0,
                out_of_memory=self.group.out_of_memory() if self.group else False,
            )
        finally:
            self.timer.cancel()
            if self.process.returncode is None:
                self._kill()
            self._release()
        if returncode is not None and returncode < 0:
            status: tuple[int | None, int | None] = (None, -returncode)  # bwrap died of it
        else:
            status = split_init_status(returncode)
        return job_result(
            self.job.limits, status, self.stderr_reader.buffer, use, timed_out=self.timed_out
        )


def _release_cold_job(
    group: JobGroup | None,
    job_dir: str,
    gpu_lock: IO[str] | None,
    streams: list[IO[bytes] | None],
) -> None:
    """Everything a cold job holds on the host, released once (finish() or collection). The
    streams are closed here too: a Popen dropped while running is kept by `subprocess` until it
    is reaped, and its pipes with it."""
    try:
        if group is not None:
            group.remove()
    finally:
        remove_job_directory(job_dir)
        if gpu_lock is not None:
            gpu_lock.close()
        for stream in streams:
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
