"""The Docker backend: one single-use container per job, through the Docker SDK.

Each job gets a fresh container from the sandbox image (sandbox/images/) with no network, a
read-only root, a private size-limited /tmp, uid 65534, every capability dropped,
no-new-privileges, memory (no swap), process, CPU-share and CPU-time limits, an init process
that reaps everything, and no log driver, so nothing the job prints is kept by the daemon. The
job's files are bound read-only at /job from a per-job host directory. The container is removed
by force at the end, whatever happened, and at once when the wall time runs out.

The job's stdin and stdout are real pipes: a pump thread feeds stdin to the container's attach
socket, and a reader thread splits the socket's multiplexed stream into the stdout pipe and a
bounded stderr buffer, so the grading pipeline can hold a line-by-line conversation with a job
exactly as it does with the bubblewrap backend.

Out of memory comes from the daemon's State.OOMKilled (a job's own SIGKILL also exits 137).
Where the daemon runs on this host with the cgroupfs driver, each container is put under a
per-job parent cgroup that outlives it long enough to read the peak memory and CPU time.
"""

from __future__ import annotations

import errno
import glob
import logging
import math
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any

from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.gpus import acquire_gpu
from sandbox.jobs import Job, JobResult, SandboxError
from sandbox.runner import RunningJob, Sandbox

logger = logging.getLogger(__name__)

SANDBOX_USER = "65534:65534"
IMAGE_PYTHON = "/opt/sandbox/bin/python"
IMAGE_PATH = "/opt/sandbox/bin:/usr/local/bin:/usr/bin:/bin"
CGROUP_PARENT = "academy-docker"
JOB_LABEL = "academy.sandbox"
STDOUT_STREAM = 1
STDERR_STREAM = 2


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
    threads = str(max(1, math.ceil(job.limits.cpus)))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = threads
    # The container sees only its own GPU, as device 0.
    environment["CUDA_VISIBLE_DEVICES"] = "0" if gpu_visible else ""
    environment.update(job.environment)
    return environment


def write_job_directory(job: Job, root: str | None) -> str:
    """A fresh host directory (0755) with the job's files (0644), bound read-only at /job."""
    job_dir = tempfile.mkdtemp(prefix="academy-job-", dir=root)
    try:
        os.chmod(job_dir, 0o755)
        for name, content in job.files.items():
            target = Path(job_dir) / name
            if not target.resolve().is_relative_to(Path(job_dir).resolve()):
                raise SandboxError(f"Job file name {name!r} escapes the job directory.")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.parent.chmod(0o755)
            target.write_bytes(content)
            target.chmod(0o644)
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    return job_dir


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
    ) -> None:
        """`job_root` holds the per-job directories bound at /job; it must be the same path on
        the daemon's host (a worker that runs in a container mounts it at the same path)."""
        self.image = image
        self.gpu_image = gpu_image
        self.gpus = gpus
        self.job_root = job_root
        self.python = python
        self.base_url = base_url
        self._api: Any = None
        self._cgroups: CgroupManager | None = None
        self._lock = threading.Lock()

    @property
    def api(self) -> Any:
        """The low-level Docker client, connected on first use (so building a sandbox, or
        reading the arguments it would use, needs no daemon)."""
        with self._lock:
            if self._api is None:
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
                self._api = client
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
                Ulimit(name="cpu", soft=cpu_seconds, hard=cpu_seconds),
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
            "labels": {JOB_LABEL: "job"},
            "host_config": host_config,
        }

    def start(self, job: Job) -> RunningJob:
        import docker

        api = self.api
        gpu_lock: IO[str] | None = None
        gpu_index = None
        if job.limits.gpus > 0:
            gpu_index, gpu_lock = acquire_gpu(
                self.gpus, job.limits.wall_seconds, require_device_files=False
            )
        job_dir: str | None = None
        container_id: str | None = None
        group_name = uuid.uuid4().hex
        cgroup_parent = f"/{CGROUP_PARENT}/{group_name}" if self._cgroups else None
        try:
            job_dir = write_job_directory(job, self.job_root)
            arguments = self.container_arguments(job, job_dir, gpu_index, cgroup_parent)
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
            started = time.monotonic()
        except BaseException:
            if container_id is not None:
                _remove(api, container_id)
            if job_dir is not None:
                shutil.rmtree(job_dir, ignore_errors=True)
            if gpu_lock is not None:
                gpu_lock.close()
            _remove_groups(self._cgroups, group_name)
            raise
        group = None
        if self._cgroups is not None:
            group = _job_group(self._cgroups, group_name, container_id)
            if group is None:
                logger.warning("The daemon's cgroups are not this host's: no peak memory.")
                self._cgroups = None
        return DockerRunningJob(
            api=api,
            container_id=container_id,
            attached=attached,
            job=job,
            job_dir=job_dir,
            gpu_lock=gpu_lock,
            cgroups=self._cgroups,
            group_name=group_name,
            group=group,
            started=started,
        )


class DockerRunningJob(RunningJob):
    def __init__(
        self,
        *,
        api: Any,
        container_id: str,
        attached: Any,
        job: Job,
        job_dir: str,
        gpu_lock: IO[str] | None,
        cgroups: CgroupManager | None,
        group_name: str,
        group: JobGroup | None,
        started: float,
    ) -> None:
        self.api = api
        self.container_id = container_id
        self.job = job
        self.job_dir = job_dir
        self.gpu_lock = gpu_lock
        self.cgroups = cgroups
        self.group_name = group_name
        self.group = group
        self.started = started
        self.timed_out = False
        self.killed = False
        self._finished = False
        # The HTTP response must stay referenced, or the socket under it is closed.
        self._attached = attached
        self.socket: socket.socket = getattr(attached, "_sock", attached)
        self.socket.settimeout(None)
        self._stdin_read, self._stdin_write = os.pipe()
        self._stdout_read, self._stdout_write = os.pipe()
        self._identities = {
            self._stdin_write: _identity(self._stdin_write),
            self._stdout_read: _identity(self._stdout_read),
        }
        self.stderr = _BoundedBuffer(job.limits.output_bytes)
        self._pump = threading.Thread(target=self._pump_stdin, daemon=True)
        self._reader = threading.Thread(target=self._demultiplex, daemon=True)
        self._pump.start()
        self._reader.start()
        self.timer = threading.Timer(job.limits.wall_seconds, self._time_out)
        self.timer.daemon = True
        self.timer.start()

    @property
    def stdin_fd(self) -> int:
        return self._stdin_write

    @property
    def stdout_fd(self) -> int:
        return self._stdout_read

    def _pump_stdin(self) -> None:
        """Caller's stdin pipe -> container stdin; end of file half-closes the socket, which
        the daemon passes on as the container's stdin closing (stdin_once)."""
        try:
            while True:
                data = os.read(self._stdin_read, 65536)
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
            os.close(self._stdin_read)

    def _demultiplex(self) -> None:
        """Container's multiplexed stream -> stdout pipe and bounded stderr buffer."""
        stdout_open = True
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
                if stream == STDOUT_STREAM and stdout_open:
                    stdout_open = _write_all(self._stdout_write, payload)
                elif stream == STDERR_STREAM and not self.stderr.add(payload):
                    self._kill()
        except OSError:
            pass
        finally:
            os.close(self._stdout_write)

    def _time_out(self) -> None:
        self.timed_out = True
        self._kill()

    def _kill(self) -> None:
        import docker

        self.killed = True
        try:
            self.api.kill(self.container_id)
        except (docker.errors.APIError, OSError):
            pass  # already stopped

    def _wait(self, wait_seconds: float | None) -> None:
        import docker
        import requests

        try:
            self.api.wait(self.container_id, timeout=wait_seconds)
        except (requests.exceptions.RequestException, docker.errors.APIError):
            self._kill()
            try:
                self.api.wait(self.container_id, timeout=30)
            except (requests.exceptions.RequestException, docker.errors.APIError):
                pass

    def _state(self) -> dict[str, Any]:
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

    def finish(self, *, kill: bool = False, wait_seconds: float | None = None) -> JobResult:
        if self._finished:
            raise RuntimeError("finish() called twice")
        self._finished = True
        try:
            if kill:
                self._kill()
            self._wait(wait_seconds)
            wall = time.monotonic() - self.started
            self.timer.cancel()
            # Unblock the pump (end of its input) and the reader (a caller that stopped
            # reading stdout), unless the caller closed these descriptors already.
            for fd, identity in self._identities.items():
                if _identity(fd) == identity:
                    os.close(fd)
            self._pump.join(timeout=5)
            self._reader.join(timeout=5)
            state = self._state()
            peak = self.group.peak_memory_bytes() if self.group else 0
            cpu = self.group.cpu_seconds() if self.group else 0.0
        finally:
            self._release()
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
            stderr=self.stderr.value(),
            timed_out=self.timed_out,
            out_of_memory=out_of_memory,
            output_truncated=self.stderr.truncated,
            wall_seconds=wall,
            peak_memory_bytes=peak,
            cpu_seconds=cpu,
            cpu_limit_exceeded=cpu_exceeded and not self.timed_out,
        )

    def _release(self) -> None:
        self.timer.cancel()
        _remove(self.api, self.container_id)
        try:
            self.socket.close()
        except OSError:
            pass
        self._attached = None
        _remove_groups(self.cgroups, self.group_name)
        shutil.rmtree(self.job_dir, ignore_errors=True)
        if self.gpu_lock is not None:
            self.gpu_lock.close()


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


def _write_all(fd: int, data: bytes) -> bool:
    """Write to the stdout pipe, blocking while it is full; False once the caller closed it."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            time.sleep(0.001)
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
