"""Per-job control groups (cgroup v1 memory, pids, cpu, cpuacct; or one cgroup v2 group).

Each job gets its own group: memory and process limits hold for all its processes together,
the peak memory and an out-of-memory kill can be read back, and at the end every process still
in the group is killed, whatever it did to hide (new session, double fork).
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sandbox.jobs import Limits

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP_PREFIX = "academy-sandbox"


def _mounts() -> list[list[str]]:
    """This process's mounts, each split into its fields (none if they cannot be read)."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    return [line.split() for line in lines]


def _v1_controllers() -> dict[str, Path]:
    """Map each v1 controller to its mount point, whatever the host's co-mounting."""
    found: dict[str, Path] = {}
    for parts in _mounts():
        if len(parts) < 4 or parts[2] != "cgroup":
            continue
        options = set(parts[3].split(","))
        for controller in ("memory", "pids", "cpu", "cpuacct"):
            if controller in options and controller not in found:
                found[controller] = Path(parts[1])
    return found


def _v2_root() -> Path | None:
    for parts in _mounts():
        if len(parts) >= 3 and parts[2] == "cgroup2" and parts[1] == str(CGROUP_ROOT):
            return Path(parts[1])
    return None


@dataclass
class JobGroup:
    """The cgroup(s) of one job. `paths` are the directories whose cgroup.procs the job joins."""

    paths: list[Path]
    memory: Path | None
    pids: Path | None
    cpuacct: Path | None
    version: int

    def read(self, path: Path | None, name: str) -> str:
        if path is None:
            return ""
        try:
            return (path / name).read_text()
        except OSError:
            return ""

    def peak_memory_bytes(self) -> int:
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        value = self.read(self.memory, name).strip()
        return int(value) if value.isdigit() else 0

    def out_of_memory(self) -> bool:
        if self.version == 1:
            text = self.read(self.memory, "memory.oom_control")
        else:
            text = self.read(self.memory, "memory.events")
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit() and int(value) > 0:
                return True
        return False

    def cpu_seconds(self) -> float:
        if self.version == 1:
            value = self.read(self.cpuacct, "cpuacct.usage").strip()
            return int(value) / 1e9 if value.isdigit() else 0.0
        for line in self.read(self.memory, "cpu.stat").splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec":
                return int(value) / 1e6
        return 0.0

    def process_ids(self) -> list[int]:
        pids: set[int] = set()
        for path in self.paths:
            for line in self.read(path, "cgroup.procs").split():
                if line.isdigit():
                    pids.add(int(line))
        return sorted(pids)

    def kill_all(self) -> None:
        """Kill every process in the group until none is left (a fork bomb keeps forking)."""
        if self.version == 2 and self.memory is not None and (self.memory / "cgroup.kill").exists():
            try:
                (self.memory / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(200):
            pids = self.process_ids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.001)

    def remove(self) -> None:
        self.kill_all()
        for path in self.paths:
            for _ in range(100):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.002)


class CgroupManager:
    """Creates job groups under a parent the worker may write to."""

    def __init__(self, parent_name: str = GROUP_PREFIX):
        self.parent_name = parent_name
        self.version = 0
        self.controllers: dict[str, Path] = {}
        root_v2 = _v2_root()
        if root_v2 is not None:
            self.version = 2
            self.controllers = {"v2": root_v2}
        else:
            found = _v1_controllers()
            if {"memory", "pids"} <= found.keys():
                self.version = 1
                self.controllers = found

    def problem(self) -> str | None:
        """Why limits cannot be enforced here, or None when they can."""
        if self.version == 0:
            return "no cgroup memory and pids controllers are mounted"
        try:
            for parent in self._parents():
                parent.mkdir(exist_ok=True)
                probe = parent / f"probe-{uuid.uuid4().hex[:8]}"
                probe.mkdir()
                probe.rmdir()
        except OSError as error:
            return f"cannot create cgroups ({error}); delegate a cgroup to this user"
        return None

    def _parents(self) -> list[Path]:
        if self.version == 2:
            parent = self.controllers["v2"] / self.parent_name
            return [parent]
        names = {"memory", "pids", "cpu", "cpuacct"} & self.controllers.keys()
        return [self.controllers[name] / self.parent_name for name in sorted(names)]

    def create(self, limits: Limits) -> JobGroup:
        name = uuid.uuid4().hex
        memory_bytes = limits.memory_mb * 1024 * 1024
        if self.version == 2:
            parent = self.controllers["v2"] / self.parent_name
            parent.mkdir(exist_ok=True)
            try:
                (parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            except OSError:
                pass
            path = parent / name
            path.mkdir()
            (path / "memory.max").write_text(str(memory_bytes))
            (path / "memory.swap.max").write_text("0")
            (path / "pids.max").write_text(str(limits.processes))
            period = 100_000
            (path / "cpu.max").write_text(f"{int(limits.cpus * period)} {period}")
            return JobGroup([path], path, path, path, 2)
        paths: dict[str, Path] = {}
        for controller in ("memory", "pids", "cpu", "cpuacct"):
            if controller not in self.controllers:
                continue
            parent = self.controllers[controller] / self.parent_name
            parent.mkdir(exist_ok=True)
            path = parent / name
            if path in paths.values():  # co-mounted controllers share one directory
                paths[controller] = path
                continue
            path.mkdir()
            paths[controller] = path
        memory = paths["memory"]
        (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
        swap_limit = memory / "memory.memsw.limit_in_bytes"
        if swap_limit.exists():
            swap_limit.write_text(str(memory_bytes))
        (memory / "memory.swappiness").write_text("0")
        (paths["pids"] / "pids.max").write_text(str(limits.processes))
        if "cpu" in paths:
            period = 100_000
            (paths["cpu"] / "cpu.cfs_period_us").write_text(str(period))
            (paths["cpu"] / "cpu.cfs_quota_us").write_text(str(int(limits.cpus * period)))
        unique = list(dict.fromkeys(paths.values()))
        return JobGroup(unique, memory, paths["pids"], paths.get("cpuacct"), 1)
