"""The Docker backend's warm path: for CPU Python jobs, one pre-started container per shape
(image, profile, /tmp size, thread count) that has imported NumPy and torch
(sandbox/inside/warm_server.py) and waits for a job. A job takes it: its limits are applied to
the running container, its files written to its /job, and its spec sent over stdin; the next
warm container starts in the background. Each container still serves one job only.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

from sandbox.backends.docker.arguments import container_environment
from sandbox.backends.docker.container import Container
from sandbox.base import BoundedBuffer, write_job_files
from sandbox.events import warm_restarted
from sandbox.inside import WARM_SERVER
from sandbox.inside.warm_server import PYTHON_FLAGS
from sandbox.jobs import Job, Limits
from sandbox.warm.common import WARM_MODULES, ProcessLocalPool, warm_job_spec

logger = logging.getLogger(__name__)

# A warm container's CPU-time cap until its job sets the job's own (the wall timer bounds it).
WARM_CPU_SECONDS = 3600
# Below this a warm container's imported torch (about 220 MB) leaves a job too little.
WARM_MIN_MEMORY_MB = 512
WARM_SHAPES = 4
WARM_SERVER_TEXT = WARM_SERVER.read_text()


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
class Shape:
    """What a warm container fixes at its creation; everything else a job sets when it takes
    one (memory, processes and CPU share through the daemon, CPU time inside)."""

    image: str
    profile: str
    tmp_mb: int
    threads: int


def warm_container_job(profile: str, limits: Limits) -> Job:
    """The job a warm container runs until it is given one: the warm server, with the limits
    of the first job it is made for (the job sets its own address-space limit once it takes
    the container, and its own CPU time)."""
    limits = replace(limits, cpu_seconds=WARM_CPU_SECONDS, address_space_mb=None)
    command = ("python", "-I", "-c", WARM_SERVER_TEXT, *WARM_MODULES)
    return Job(command=command, profile=profile, limits=limits)


def hand_over(container: Container, job: Job) -> None:
    """Give a warm container its job: limits, files, then argv and environment."""
    container.apply_limits(job.limits)
    write_job_files(job, container.job_dir)
    spec = warm_job_spec(job, container_environment(job, gpu_visible=False))
    container.reset_accounting()
    container.stderr = BoundedBuffer(job.limits.output_bytes)
    container.socket.sendall(json.dumps(spec).encode() + b"\n")
    container.begin(job)


class WarmPool(ProcessLocalPool):
    """At most one warm container per shape, started in the background, each for one job.
    `create` starts a warm container for a shape with the limits of the job it is made for."""

    def __init__(self, create: Callable[[Shape, Limits], Container]) -> None:
        super().__init__()
        self.create = create
        self.containers: dict[Shape, Container | None] = {}  # None: being created
        _pools.add(self)
        atexit.register(self.close)

    def _forget(self) -> None:
        self.containers = {}

    def take(self, shape: Shape) -> Container | None:
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
            warm_restarted("docker")
            return None
        return container

    def wait_until_ready(self, shape: Shape, timeout: float) -> bool:
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

    def fill(self, shape: Shape, limits: Limits) -> None:
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

    def _create(self, shape: Shape, limits: Limits) -> None:
        try:
            container = self.create(shape, limits)
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
            if not self._owned():
                return
            containers = [c for c in self.containers.values() if c is not None]
            self.containers = {}
        for container in containers:
            container.release()


_pools: weakref.WeakSet[WarmPool] = weakref.WeakSet()


def waiting_container_ids() -> list[str]:
    """Every warm container of this process that waits for a job (none is being started)."""
    return [container for pool in list(_pools) for container in pool.waiting_container_ids()]
