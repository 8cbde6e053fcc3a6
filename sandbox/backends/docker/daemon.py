"""The Docker backend's dealings with the daemon beyond one container: connecting, removing
containers (also those of dead workers), and the per-job parent cgroups where the daemon's
cgroups are this host's.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import docker

from sandbox.backends.docker.arguments import OWNER_LABEL, start_time
from sandbox.cgroups import CgroupManager, JobGroup
from sandbox.jobs import SandboxError

logger = logging.getLogger(__name__)

CGROUP_PARENT = "academy-docker"
CGROUP_ROOT = "/sys/fs/cgroup"


@dataclass
class ParentGroup:
    """A container's per-job parent cgroup, where the daemon's cgroups are this host's
    (`cgroups` None: they are not, or not readable). `group` is set once the daemon has really
    created the container under it; it outlives the container long enough to be read."""

    cgroups: CgroupManager | None
    name: str = field(default_factory=lambda: uuid.uuid4().hex)
    group: JobGroup | None = None

    @property
    def path(self) -> str | None:
        """The daemon's cgroup_parent for the container, if any."""
        return f"/{CGROUP_PARENT}/{self.name}" if self.cgroups else None

    def found(self, container_id: str) -> bool:
        """Find the container's group under this parent; False if the daemon put it elsewhere."""
        if self.cgroups is not None:
            self.group = job_group(self.cgroups, self.name, container_id)
        return self.group is not None

    def remove(self) -> None:
        remove_groups(self.cgroups, self.name)


def connect(base_url: str | None) -> tuple[Any, CgroupManager | None]:
    """A low-level client of the daemon (at `base_url`, or the environment's), and a cgroup
    manager when the daemon's cgroups can be read here. Containers that dead workers of this
    host left behind are removed first."""
    try:
        if base_url is not None:
            client = docker.APIClient(base_url=base_url, version="auto")
        else:
            client = docker.from_env().api
        info = client.info()
    except docker.errors.DockerException as error:
        raise SandboxError(f"The Docker daemon cannot be reached: {error}") from error
    cgroups = local_cgroups(client, info)
    remove_orphans(client)
    return client, cgroups


def remove_orphans(api: Any) -> None:
    """Remove the containers of this host's worker processes that died without cleaning up
    (a killed worker leaves its job running until nobody is there to stop it)."""
    try:
        containers = api.containers(all=True, filters={"label": OWNER_LABEL})
    except docker.errors.APIError:
        return
    hostname = socket.gethostname()
    for container in containers:
        host, _, process = container.get("Labels", {}).get(OWNER_LABEL, "").partition(":")
        pid, _, started = process.partition(":")
        if host != hostname or not pid.isdigit() or start_time(int(pid)) == started:
            continue
        remove_container(api, container["Id"])
    remove_stale_groups()


def remove_stale_groups() -> None:
    """Remove per-job parent cgroups left empty by a worker that died. A group in use holds
    its container's group (so rmdir fails); a young one may be a job just starting."""
    for path in _parent_groups("*/"):
        try:
            if time.time() - os.stat(path).st_mtime > 60:
                os.rmdir(path)
        except OSError:
            pass


def remove_container(api: Any, container_id: str) -> None:
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


def local_cgroups(api: Any, info: dict[str, Any]) -> CgroupManager | None:
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


def job_group(cgroups: CgroupManager, name: str, container_id: str) -> JobGroup | None:
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


def remove_groups(cgroups: CgroupManager | None, name: str) -> None:
    """Remove the job's parent cgroup in every hierarchy the runtime created it in."""
    if cgroups is None:
        return
    for path in _parent_groups(name):
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


def _parent_groups(name: str) -> list[str]:
    """The per-job parent cgroups called `name` (a glob) in every hierarchy: under each v1
    controller, or in the one v2 tree."""
    return glob.glob(f"{CGROUP_ROOT}/*/{CGROUP_PARENT}/{name}") + glob.glob(
        f"{CGROUP_ROOT}/{CGROUP_PARENT}/{name}"
    )
