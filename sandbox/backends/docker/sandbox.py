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

Warm path (warm.py): for CPU Python jobs the backend keeps one pre-warmed container per image
and thread count, already started with the same isolation, that has imported NumPy and torch
(sandbox/inside/warm_server.py) and waits for a job. A job takes it: its limits are applied to
the running container, its files written to its /job, and its argv sent over stdin; the next
warm container starts in the background. Each container still serves one job only and is
removed after it.

Out of memory comes from the daemon's State.OOMKilled (a job's own SIGKILL also exits 137).
Where the daemon runs on this host with the cgroupfs driver, each container is put under a
per-job parent cgroup that outlives it long enough to read the peak memory and CPU time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import IO, Any

import docker

from sandbox.backends.docker.arguments import IMAGE_PYTHON, container_arguments
from sandbox.backends.docker.container import Container
from sandbox.backends.docker.daemon import ParentGroup, connect, remove_container
from sandbox.backends.docker.warm import (
    WARM_MIN_MEMORY_MB,
    Shape,
    WarmPool,
    hand_over,
    warm_command,
    warm_container_job,
)
from sandbox.base import (
    ResourceUse,
    RunningJob,
    Sandbox,
    job_result,
    make_job_directory,
    release_in_background,
    remove_job_directory,
    split_init_status,
    thread_count,
    write_job_files,
)
from sandbox.cgroups import CgroupManager
from sandbox.gpus import DEFAULT_GPU_LOCK_DIR, acquire_gpu
from sandbox.jobs import Job, JobResult, Limits, SandboxError

logger = logging.getLogger(__name__)


class DockerSandbox(Sandbox):
    name = "docker"

    def __init__(
        self,
        *,
        image: str,
        gpu_image: str,
        gpus: int = 0,
        gpu_lock_dir: Path = DEFAULT_GPU_LOCK_DIR,
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
        self.gpu_lock_dir = gpu_lock_dir
        self.job_root = job_root
        self.python = python
        self.base_url = base_url
        self.warm = warm
        self._api: Any = None
        self._api_pid = 0
        self._cgroups: CgroupManager | None = None
        self._lock = threading.Lock()
        self.warm_pool = WarmPool(self._create_warm)

    @property
    def api(self) -> Any:
        """The low-level Docker client, connected on first use (so building a sandbox, or
        reading the arguments it would use, needs no daemon)."""
        with self._lock:
            # A forked worker must not share its parent's connections to the daemon.
            if self._api is None or self._api_pid != os.getpid():
                self._api, self._cgroups = connect(self.base_url)
                self._api_pid = os.getpid()
            return self._api

    def image_for(self, job: Job) -> str:
        return self.gpu_image if job.limits.gpus > 0 else self.image

    def container_arguments(
        self, job: Job, job_dir: str, gpu_index: int | None, cgroup_parent: str | None = None
    ) -> dict[str, Any]:
        """Everything `create_container` gets for a job; `host_config` holds the keyword
        arguments of `create_host_config` (tests pin both down)."""
        return container_arguments(
            job, job_dir, gpu_index, cgroup_parent, image=self.image_for(job), python=self.python
        )

    def uses_warm_path(self, job: Job) -> bool:
        return (
            self.warm
            and job.limits.gpus == 0
            and job.limits.memory_mb >= WARM_MIN_MEMORY_MB
            and warm_command(job.command)
        )

    def shape(self, job: Job) -> Shape:
        return Shape(self.image_for(job), job.profile, job.limits.tmp_mb, thread_count(job.limits))

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
                    hand_over(container, job)
                    return DockerRunningJob(container, job)
                except (OSError, SandboxError) as error:
                    logger.info("Warm container unusable (%s); starting a cold one.", error)
                    container.release()
        gpu_lock: IO[str] | None = None
        gpu_index = None
        if job.limits.gpus > 0:
            gpu_index, gpu_lock = acquire_gpu(
                self.gpus,
                job.limits.wall_seconds,
                lock_dir=self.gpu_lock_dir,
                require_device_files=False,
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

    def _create_warm(self, shape: Shape, limits: Limits) -> Container:
        return self.create(warm_container_job(shape.profile, limits), None, warm=True)

    def create(self, job: Job, gpu_index: int | None, *, warm: bool) -> Container:
        """Create, attach to and start a container for `job` (warm: a warm server's job, whose
        container will wait for the job it is given)."""
        api = self.api
        job_dir: str | None = None
        container_id: str | None = None
        parent = ParentGroup(self._cgroups)
        try:
            job_dir = make_job_directory(self.job_root)
            write_job_files(job, job_dir)
            arguments = self.container_arguments(job, job_dir, gpu_index, parent.path)
            arguments["host_config"] = api.create_host_config(**arguments["host_config"])
            container_id = _create_container(api, arguments, job_dir)
            attached = api.attach_socket(
                container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            api.start(container_id)
        except BaseException:
            if container_id is not None:
                remove_container(api, container_id)
            if job_dir is not None:
                remove_job_directory(job_dir)
            parent.remove()
            raise
        if parent.cgroups is not None and not parent.found(container_id):
            logger.warning("The daemon's cgroups are not this host's: no peak memory.")
            self._cgroups = None
        return Container(
            api=api,
            container_id=container_id,
            attached=attached,
            limits=job.limits,
            job_dir=job_dir,
            parent=parent,
            warm=warm,
        )


def _create_container(api: Any, arguments: dict[str, Any], job_dir: str) -> str:
    """The new container's id; the daemon's refusals that an operator can fix, said so."""
    try:
        container_id: str = api.create_container(**arguments)["Id"]
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
    return container_id


class DockerRunningJob(RunningJob):
    """A job in its own container. Call finish() exactly once (in a `finally`): it removes the
    container, its job directory and cgroup whatever happened before; a job dropped without it
    is killed by its wall timer and removed when collected."""

    def __init__(self, container: Container, job: Job) -> None:
        self.container = container
        self.container_id = container.container_id
        self.job = job
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
        self._finishing()
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
            use = ResourceUse(
                wall_seconds=wall,
                cpu_seconds=max(0.0, group.cpu_seconds() - container.cpu_baseline)
                if group
                else 0.0,
                peak_memory_bytes=group.peak_memory_bytes() if group else 0,
                out_of_memory=state.get("OOMKilled") is True,
            )
        finally:
            self._release.detach()  # released here and now, not by a thread
            container.release()
        returncode = state.get("ExitCode")
        status = split_init_status(returncode if isinstance(returncode, int) else None)
        return job_result(
            self.job.limits, status, container.stderr, use, timed_out=container.timed_out
        )
