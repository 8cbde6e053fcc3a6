"""The Docker backend: one single-use container per job, through the Docker SDK.

Each job gets a fresh container from the sandbox image (sandbox/images/) with no network, a
read-only root, a private size-limited /tmp, uid 65534, every capability dropped,
no-new-privileges, memory (no swap), process, CPU-share and CPU-time limits (and an address-space
limit where the job asks for one), an init process that reaps everything, and no log driver, so
nothing the job prints is kept by the daemon. The job's files are bound read-only at /job from a
private per-job host directory. The container is removed by force at the end, whatever happened,
and at once when the wall time runs out.

Signals: each job is alone in its container's PID namespace. Its init (docker-init) puts the job
in a process group of its own, ignores the SIGKILL and SIGSTOP a job sends it and forwards other
signals to the job, so whatever a job signals (its group, -1, its parent, any group number)
reaches only the job's own processes; no other job's process is visible to it.

The job's stdin and stdout are real pipes: a pump thread feeds stdin to the container's attach
socket, and a reader thread splits the socket's multiplexed stream into the stdout pipe and a
bounded stderr buffer, so the grading pipeline can hold a line-by-line conversation with a job
exactly as it does with the bubblewrap backend.

Warm path: for CPU Python jobs the backend keeps one pre-warmed container per image and
thread count, already started with the same isolation, that has imported NumPy and torch
(docker_warm.py) and waits for a job. A job takes it: its limits are applied to the running
container, its files written to its /job, and its argv sent over stdin; the next warm container
starts in the background. Each container still serves one job only and is removed after it.

Out of memory comes from the daemon's State.OOMKilled (a job's own SIGKILL also exits 137).
Where the daemon runs on this host with the cgroupfs driver, each container is put under a
per-job parent cgroup that outlives it long enough to read the peak memory and CPU time.
"""

from __future__ import annotations

import atexit
import errno
import glob
import json
import logging
import math
import os
import select
import signal
import socket
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.gpus import acquire_gpu
from sandbox.jobs import Job, JobResult, Limits, SandboxError, address_space_bytes
from sandbox.runner import (
    RunningJob,
    Sandbox,
    make_job_directory,
    release_in_background,
    remove_job_directory,
)

logger = logging.getLogger(__name__)

SANDBOX_USER = "65534:65534"
IMAGE_PYTHON = "/opt/sandbox/bin/python"
PRLIMIT = "/usr/bin/prlimit"  # util-linux, in the sandbox image
IMAGE_PATH = "/opt/sandbox/bin:/usr/local/bin:/usr/bin:/bin"
CGROUP_PARENT = "academy-docker"
JOB_LABEL = "academy.sandbox"
OWNER_LABEL = "academy.sandbox.owner"
STDOUT_STREAM = 1
STDERR_STREAM = 2
WARM_MODULES = ("numpy", "torch")
WARM_READY = b"academy-warm-ready\n"
# A warm container's CPU-time cap until its job sets the job's own (the wall timer bounds it).
WARM_CPU_SECONDS = 3600
# Below this a warm container's imported torch (about 220 MB) leaves a job too little.
WARM_MIN_MEMORY_MB = 512
WARM_SHAPES = 4
PYTHON_FLAGS = ("-I", "-B", "-u", "-s", "-E", "-S", "-P")
BOOTSTRAP = (Path(__file__).parent / "docker_warm.py").read_text()


def job_environment(job: Job, gpu_visible: bool) -> dict[str, str]:
    """The job's whole environment, the same as the bubblewrap backend's: nothing of the
    worker's passes through."""
    environment = {
        "HOME": "/tmp",
        "PATH": IMAGE_PATH,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
    }
    threads = str(_threads(job.limits))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = threads
    # The container sees only its own GPU, as device 0.
    environment["CUDA_VISIBLE_DEVICES"] = "0" if gpu_visible else ""
    environment.update(job.environment)
    return environment


def _threads(limits: Limits) -> int:
    return max(1, math.ceil(limits.cpus))


def write_job_files(job: Job, job_dir: str) -> None:
    """The job's files (0644, directories 0755) under its job directory."""
    for name, content in job.files.items():
        target = Path(job_dir) / name
        if not target.resolve().is_relative_to(Path(job_dir).resolve()):
            raise SandboxError(f"Job file name {name!r} escapes the job directory.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.parent.chmod(0o755)
        target.write_bytes(content)
        target.chmod(0o644)


def warm_command(arguments: tuple[str, ...]) -> bool:
    """Whether the warm interpreter can run this argv as `python` itself would."""
    if not arguments or arguments[0] != "python":
        return False
    rest = list(arguments[1:])
    while rest and rest[0] in PYTHON_FLAGS:
        rest.pop(0)
    if not rest:
        return False
    if rest[0] == "-c":
        return len(rest) >= 2
    return not rest[0].startswith("-")


@dataclass(frozen=True)
class _Shape:
    """What a warm container fixes at its creation; everything else a job sets when it takes
    one (memory, processes and CPU share through the daemon, CPU time inside)."""

    image: str
    profile: str
    tmp_mb: int
    threads: int


class DockerSandbox(Sandbox):
    name = "docker"

    def __init__(
        self,
        *,
        image: str,
        gpu_image: str,
        gpus: int = 0,
        job_root: str | None = None,
        python: str = IMAGE_PYTHON,
        base_url: str | None = None,
        warm: bool = True,
    ) -> None:
        """`job_root` holds the per-job directories bound at /job; it must be the same path on
        the daemon's host (a worker that runs in a container mounts it at the same path)."""
        self.image = image
        self.gpu_image = gpu_image
        self.gpus = gpus
        self.job_root = job_root
        self.python = python
        self.base_url = base_url
        self.warm = warm
        self._api: Any = None
        self._api_pid = 0
        self._cgroups: CgroupManager | None = None
        self._lock = threading.Lock()
        self.warm_pool = _WarmPool(self)

    @property
    def api(self) -> Any:
        """The low-level Docker client, connected on first use (so building a sandbox, or
        reading the arguments it would use, needs no daemon)."""
        with self._lock:
            # A forked worker must not share its parent's connections to the daemon.
            if self._api is None or self._api_pid != os.getpid():
                import docker

                try:
                    if self.base_url is not None:
                        client = docker.APIClient(base_url=self.base_url, version="auto")
                    else:
                        client = docker.from_env().api
                    info = client.info()
                except docker.errors.DockerException as error:
                    raise SandboxError(f"The Docker daemon cannot be reached: {error}") from error
                self._cgroups = _local_cgroups(client, info)
                _remove_orphans(client)
                self._api = client
                self._api_pid = os.getpid()
            return self._api

    def image_for(self, job: Job) -> str:
        return self.gpu_image if job.limits.gpus > 0 else self.image

    def container_arguments(
        self, job: Job, job_dir: str, gpu_index: int | None, cgroup_parent: str | None = None
    ) -> dict[str, Any]:
        """Everything `create_container` gets for a job; `host_config` holds the keyword
        arguments of `create_host_config` (tests pin both down)."""
        from docker.types import DeviceRequest, LogConfig, Mount, Ulimit

        limits = job.limits
        memory_bytes = limits.memory_mb * 1024 * 1024
        cpu_seconds = max(1, math.ceil(limits.cpu_seconds))
        host_config: dict[str, Any] = {
            # A mount, not a bind: a source missing on the daemon's host is an error, never
            # an empty directory created in its place.
            "mounts": [Mount(target="/job", source=job_dir, type="bind", read_only=True)],
            "tmpfs": {"/tmp": f"rw,nosuid,nodev,size={limits.tmp_mb}m,mode=1777"},
            "shm_size": f"{limits.tmp_mb}m",
            "read_only": True,
            "network_mode": "none",
            "ipc_mode": "private",
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "mem_limit": memory_bytes,
            "memswap_limit": memory_bytes,
            "pids_limit": limits.processes,
            "nano_cpus": int(limits.cpus * 1_000_000_000),
            "ulimits": [
                # SIGXCPU at the limit, SIGKILL a second later if the job ignores it.
                Ulimit(name="cpu", soft=cpu_seconds, hard=cpu_seconds + 1),
                Ulimit(name="core", soft=0, hard=0),
            ],
            "log_config": LogConfig(type="none"),
            "init": True,
            "oom_score_adj": 1000,
        }
        if gpu_index is not None:
            host_config["device_requests"] = [
                DeviceRequest(driver="nvidia", device_ids=[str(gpu_index)], capabilities=[["gpu"]])
            ]
        if cgroup_parent is not None:
            host_config["cgroup_parent"] = cgroup_parent
        command = list(job.command)
        if command and command[0] == "python":
            command[0] = self.python
        address_space = address_space_bytes(limits)
        if address_space is not None:
            # RLIMIT_AS set by the job's first process, which then becomes the job: as a
            # container ulimit it would also bind the runtime's own setup (runc fails under it).
            command = [PRLIMIT, f"--as={address_space}", "--", *command]
        return {
            "image": self.image_for(job),
            "command": command,
            "user": SANDBOX_USER,
            "environment": job_environment(job, gpu_visible=gpu_index is not None),
            "working_dir": "/tmp",
            "hostname": "sandbox",
            # Not detached, with stdin open: the SDK sets StdinOnce, so closing our end of
            # the attach socket closes the job's stdin.
            "detach": False,
            "stdin_open": True,
            "tty": False,
            # No proxy settings from the client's config may reach the job's environment.
            "use_config_proxy": False,
            "network_disabled": True,
            "labels": {JOB_LABEL: "job", OWNER_LABEL: _owner()},
            "host_config": host_config,
        }

    def uses_warm_path(self, job: Job) -> bool:
        return (
            self.warm
            and job.limits.gpus == 0
            and job.limits.memory_mb >= WARM_MIN_MEMORY_MB
            and warm_command(job.command)
        )

    def shape(self, job: Job) -> _Shape:
        return _Shape(self.image_for(job), job.profile, job.limits.tmp_mb, _threads(job.limits))

    def close(self) -> None:
        """Remove the warm containers that wait for a job (twice is harmless)."""
        self.warm_pool.close()

    def prewarm(self) -> None:
        """Start a warm container for default limits now (a worker calls this at start)."""
        job = Job(command=("python", "-c", "pass"))
        if self.uses_warm_path(job):
            self.warm_pool.fill(self.shape(job), job.limits)

    def start(self, job: Job) -> RunningJob:
        if self.uses_warm_path(job):
            shape = self.shape(job)
            container = self.warm_pool.take(shape)
            self.warm_pool.fill(shape, job.limits)
            if container is not None:
                try:
                    return self._hand_over(container, job)
                except (OSError, SandboxError) as error:
                    logger.info("Warm container unusable (%s); starting a cold one.", error)
                    container.release()
        gpu_lock: IO[str] | None = None
        gpu_index = None
        if job.limits.gpus > 0:
            gpu_index, gpu_lock = acquire_gpu(
                self.gpus, job.limits.wall_seconds, require_device_files=False
            )
        try:
            container = self.create(job, gpu_index, warm=False)
        except BaseException:
            if gpu_lock is not None:
                gpu_lock.close()
            raise
        container.gpu_lock = gpu_lock
        container.begin(job)
        return DockerRunningJob(container, job)

    def create(self, job: Job, gpu_index: int | None, *, warm: bool) -> _Container:
        """Create, attach to and start a container for `job` (or, warm, for a warm container
        with `job`'s limits that will wait for its job)."""
        import docker

        api = self.api
        job_dir: str | None = None
        container_id: str | None = None
        group_name = uuid.uuid4().hex
        cgroups = self._cgroups
        cgroup_parent = f"/{CGROUP_PARENT}/{group_name}" if cgroups else None
        spec = job
        if warm:
            # The job sets its own address-space limit once it takes the container.
            limits = replace(job.limits, cpu_seconds=WARM_CPU_SECONDS, address_space_mb=None)
            command = ("python", "-I", "-c", BOOTSTRAP, *WARM_MODULES)
            spec = Job(command=command, profile=job.profile, limits=limits)
        try:
            job_dir = make_job_directory(self.job_root)
            if not warm:
                write_job_files(job, job_dir)
            arguments = self.container_arguments(spec, job_dir, gpu_index, cgroup_parent)
            arguments["host_config"] = api.create_host_config(**arguments["host_config"])
            try:
                container_id = api.create_container(**arguments)["Id"]
            except docker.errors.ImageNotFound as error:
                raise SandboxError(
                    f"The sandbox image {arguments['image']} is missing: run "
                    "`make sandbox-image` (sandbox/images/build-base.sh)."
                ) from error
            except docker.errors.APIError as error:
                if "bind source path does not exist" in str(error):
                    raise SandboxError(
                        f"The daemon cannot see the job directory {job_dir}: set "
                        "SANDBOX_DOCKER_JOB_ROOT to a directory shared at the same path "
                        "with the daemon's host."
                    ) from error
                raise
            attached = api.attach_socket(
                container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            api.start(container_id)
        except BaseException:
            if container_id is not None:
                _remove(api, container_id)
            if job_dir is not None:
                remove_job_directory(job_dir)
            _remove_groups(cgroups, group_name)
            raise
        group = None
        if cgroups is not None:
            group = _job_group(cgroups, group_name, container_id)
            if group is None:
                logger.warning("The daemon's cgroups are not this host's: no peak memory.")
                self._cgroups = None
        return _Container(
            api=api,
            container_id=container_id,
            attached=attached,
            limits=spec.limits,
            job_dir=job_dir,
            cgroups=cgroups,
            group_name=group_name,
            group=group,
            warm=warm,
        )

    def _hand_over(self, container: _Container, job: Job) -> RunningJob:
        """Give a warm container its job: limits, files, then argv and environment."""
        container.apply_limits(job.limits)
        write_job_files(job, container.job_dir)
        spec = {
            "argv": list(job.command),
            "environment": job_environment(job, gpu_visible=False),
            "cpu_seconds": max(1, math.ceil(job.limits.cpu_seconds)),
            "address_space_bytes": address_space_bytes(job.limits),
        }
        container.reset_accounting()
        container.stderr = _BoundedBuffer(job.limits.output_bytes)
        container.socket.sendall(json.dumps(spec).encode() + b"\n")
        container.begin(job)
        return DockerRunningJob(container, job)


class _Container:
    """A started container, its attach socket split into pipes, and everything it holds."""

    def __init__(
        self,
        *,
        api: Any,
        container_id: str,
        attached: Any,
        limits: Limits,
        job_dir: str,
        cgroups: CgroupManager | None,
        group_name: str,
        group: JobGroup | None,
        warm: bool,
    ) -> None:
        self.api = api
        self.container_id = container_id
        self.limits = limits
        self.job_dir = job_dir
        self.cgroups = cgroups
        self.group_name = group_name
        self.group = group
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
        self.stderr = _BoundedBuffer(limits.output_bytes)
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
        import docker

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
                        greeting = (greeting + payload)[-len(WARM_READY) :]
                        if greeting == WARM_READY:
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
        import docker

        self.killed = True
        self.discard_stdout.set()
        try:
            self.api.kill(self.container_id)
        except (docker.errors.APIError, OSError):
            pass  # already stopped

    def wait(self, wait_seconds: float | None) -> None:
        import docker
        import requests

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
        import docker

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
        _remove(self.api, self.container_id)
        try:
            self.socket.close()
        except OSError:
            pass
        self._attached = None
        self.close_caller_ends()
        if not self.pump.is_alive() and self.pump.ident is None:
            os.close(self.stdin_read)  # the job never began: no pump to close it
        _remove_groups(self.cgroups, self.group_name)
        remove_job_directory(self.job_dir)
        if self.gpu_lock is not None:
            self.gpu_lock.close()
            self.gpu_lock = None


class DockerRunningJob(RunningJob):
    """A job in its own container. Call finish() exactly once (in a `finally`): it removes the
    container, its job directory and cgroup whatever happened before; a job dropped without it
    is killed by its wall timer and removed when collected."""

    def __init__(self, container: _Container, job: Job) -> None:
        self.container = container
        self.container_id = container.container_id
        self.job = job
        self._finished = False
        # Dropped unfinished: release from a thread (GC may run inside the client's locks).
        self._release = weakref.finalize(self, release_in_background, container.release)

    @property
    def stdin_fd(self) -> int:
        return self.container.stdin_write

    @property
    def stdout_fd(self) -> int:
        return self.container.stdout_read

    def close_stdin(self) -> None:
        self.container.close_caller_end(self.container.stdin_write)

    def stderr_bytes_received(self) -> int:
        return self.container.stderr.kept

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        if self._finished:
            raise RuntimeError("finish() called twice")
        self._finished = True
        container = self.container
        try:
            if kill:
                container.kill()
            container.wait(wait_seconds)
            wall = time.monotonic() - container.started
            if container.timer is not None:
                container.timer.cancel()
            container.close_caller_ends()
            container.pump.join(timeout=5)
            container.reader.join(timeout=5)
            state = container.state()
            group = container.group
            peak = group.peak_memory_bytes() if group else 0
            cpu = max(0.0, group.cpu_seconds() - container.cpu_baseline) if group else 0.0
        finally:
            self._release.detach()  # released here and now, not by a thread
            container.release()
        returncode = state.get("ExitCode")
        exit_code: int | None = returncode if isinstance(returncode, int) else None
        killed_by: int | None = None
        # The container's init reports its child's death by signal as 128 + signal.
        if exit_code is not None and 128 < exit_code < 128 + 65:
            killed_by, exit_code = exit_code - 128, None
        out_of_memory = state.get("OOMKilled") is True
        cpu_exceeded = killed_by == signal.SIGXCPU or cpu >= self.job.limits.cpu_seconds
        return JobResult(
            exit_code=exit_code,
            signal=killed_by,
            stdout=b"",
            stderr=container.stderr.value(),
            timed_out=container.timed_out,
            out_of_memory=out_of_memory,
            output_truncated=container.stderr.truncated,
            wall_seconds=wall,
            peak_memory_bytes=peak,
            cpu_seconds=cpu,
            cpu_limit_exceeded=cpu_exceeded and not container.timed_out,
        )


class _WarmPool:
    """At most one warm container per shape, started in the background, each for one job."""

    def __init__(self, sandbox: DockerSandbox) -> None:
        self.sandbox = sandbox
        self.lock = threading.Lock()
        self.containers: dict[_Shape, _Container | None] = {}  # None: being created
        self.pid = os.getpid()
        _pools.add(self)
        atexit.register(self.close)

    def _forked(self) -> None:
        """A forked worker inherits its parent's containers: they are the parent's to use."""
        if os.getpid() != self.pid:
            self.pid = os.getpid()
            self.containers = {}

    def take(self, shape: _Shape) -> _Container | None:
        """The warm container of this shape if it is ready. None when it is still importing
        torch: a cold container is never slower than waiting for it."""
        with self.lock:
            self._forked()
            container = self.containers.get(shape)
            if container is None or not container.ready.is_set():
                return None
            del self.containers[shape]
        if container.ended.is_set():  # it died while it waited
            container.release()
            return None
        return container

    def wait_until_ready(self, shape: _Shape, timeout: float) -> bool:
        """Wait for this shape's warm container to be ready (benchmarks and tests use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                container = self.containers.get(shape)
                known = shape in self.containers
            if not known:
                return False
            if container is not None and container.ready.wait(deadline - time.monotonic()):
                return not container.ended.is_set()
            time.sleep(0.01)
        return False

    def waiting_container_ids(self) -> list[str]:
        """The containers that wait for a job, once none is still being started."""
        while True:
            with self.lock:
                containers = list(self.containers.values())
            if all(container is not None for container in containers):
                return [container.container_id for container in containers if container]
            time.sleep(0.01)

    def fill(self, shape: _Shape, limits: Limits) -> None:
        """Start a warm container for this shape in the background, unless one is there."""
        with self.lock:
            self._forked()
            if shape in self.containers:
                return
            self.containers[shape] = None
            evicted = [
                self.containers.pop(other)
                for other in list(self.containers)[: max(0, len(self.containers) - WARM_SHAPES)]
            ]
        for container in evicted:
            if container is not None:
                container.release()
        thread = threading.Thread(target=self._create, args=(shape, limits), daemon=True)
        thread.start()

    def _create(self, shape: _Shape, limits: Limits) -> None:
        job = Job(command=("python",), profile=shape.profile, limits=limits)
        try:
            container = self.sandbox.create(job, None, warm=True)
        except Exception:  # the next job runs cold and says why, if it fails too
            logger.exception("Could not start a warm sandbox container")
            with self.lock:
                if self.containers.get(shape, 0) is None:
                    del self.containers[shape]
            return
        with self.lock:
            if shape in self.containers and self.containers[shape] is None:
                self.containers[shape] = container
                return
        container.release()  # evicted or closed meanwhile

    def close(self) -> None:
        with self.lock:
            if os.getpid() != self.pid:
                return
            containers = [c for c in self.containers.values() if c is not None]
            self.containers = {}
        for container in containers:
            container.release()


_pools: weakref.WeakSet[_WarmPool] = weakref.WeakSet()


def waiting_container_ids() -> list[str]:
    """Every warm container of this process that waits for a job (none is being started)."""
    return [container for pool in list(_pools) for container in pool.waiting_container_ids()]


class _BoundedBuffer:
    """Keeps the first `limit` bytes; `add` says False once more than that came."""

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


def _owner() -> str:
    """This worker process, as a label: host, pid and the pid's start time (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def _remove_orphans(api: Any) -> None:
    """Remove the containers of this host's worker processes that died without cleaning up
    (a killed worker leaves its job running until nobody is there to stop it)."""
    import docker

    try:
        containers = api.containers(all=True, filters={"label": OWNER_LABEL})
    except docker.errors.APIError:
        return
    hostname = socket.gethostname()
    for container in containers:
        host, _, process = container.get("Labels", {}).get(OWNER_LABEL, "").partition(":")
        pid, _, started = process.partition(":")
        if host != hostname or not pid.isdigit() or _start_time(int(pid)) == started:
            continue
        _remove(api, container["Id"])
    _remove_stale_groups()


def _remove_stale_groups() -> None:
    """Remove per-job parent cgroups left empty by a worker that died. A group in use holds
    its container's group (so rmdir fails); a young one may be a job just starting."""
    root = "/sys/fs/cgroup"
    paths = glob.glob(f"{root}/*/{CGROUP_PARENT}/*/") + glob.glob(f"{root}/{CGROUP_PARENT}/*/")
    for path in paths:
        try:
            if time.time() - os.stat(path).st_mtime > 60:
                os.rmdir(path)
        except OSError:
            pass


def _remove(api: Any, container_id: str) -> None:
    import docker

    for _ in range(3):
        try:
            api.remove_container(container_id, force=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as error:
            # "removal already in progress" and the like: let the daemon catch up.
            logger.warning("Removing sandbox container %s: %s", container_id[:12], error)
            time.sleep(0.1)


def _local_cgroups(api: Any, info: dict[str, Any]) -> CgroupManager | None:
    """A cgroup manager when the daemon's cgroups are this host's and writable here (a local
    daemon with the cgroupfs driver); None otherwise, and jobs report no peak memory."""
    # The SDK names any unix-socket daemon so; TCP and SSH daemons are another host's.
    if getattr(api, "base_url", "") != "http+docker://localhost":
        return None
    if info.get("CgroupDriver") != "cgroupfs":
        return None
    manager = CgroupManager(CGROUP_PARENT)
    if str(manager.version) != str(info.get("CgroupVersion", "1")):
        return None
    if manager.problem() is not None:
        return None
    return manager


def _job_group(cgroups: CgroupManager, name: str, container_id: str) -> JobGroup | None:
    """The job's parent cgroup, if the daemon really created the container under it here."""
    if cgroups.version == 2:
        path = cgroups.controllers["v2"] / CGROUP_PARENT / name
        if not (path / container_id).is_dir():
            return None
        return JobGroup([path], path, path, path, 2)
    memory = cgroups.controllers["memory"] / CGROUP_PARENT / name
    if not (memory / container_id).is_dir():
        return None
    cpuacct = cgroups.controllers.get("cpuacct")
    cpu_path = cpuacct / CGROUP_PARENT / name if cpuacct is not None else None
    return JobGroup([memory], memory, None, cpu_path, 1)


def _remove_groups(cgroups: CgroupManager | None, name: str) -> None:
    """Remove the job's parent cgroup in every hierarchy the runtime created it in."""
    if cgroups is None:
        return
    root = "/sys/fs/cgroup"
    paths = glob.glob(f"{root}/*/{CGROUP_PARENT}/{name}") + glob.glob(
        f"{root}/{CGROUP_PARENT}/{name}"
    )
    for path in paths:
        for _ in range(50):
            try:
                os.rmdir(path)
                break
            except FileNotFoundError:
                break
            except OSError as error:
                if error.errno != errno.EBUSY:
                    break
                time.sleep(0.01)
