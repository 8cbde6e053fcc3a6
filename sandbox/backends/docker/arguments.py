"""What the Docker backend asks the daemon for: the container of a job, with every limit and
isolation setting (tests pin these down), its environment and the labels that say whose it is.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from docker.types import DeviceRequest, LogConfig, Mount, Ulimit

from sandbox.base import cpu_seconds_limit, job_environment
from sandbox.jobs import Job, address_space_bytes

SANDBOX_USER = "65534:65534"
IMAGE_PYTHON = "/opt/sandbox/bin/python"
PRLIMIT = "/usr/bin/prlimit"  # util-linux, in the sandbox image
IMAGE_PATH = "/opt/sandbox/bin:/usr/local/bin:/usr/bin:/bin"
JOB_LABEL = "academy.sandbox"
OWNER_LABEL = "academy.sandbox.owner"


def container_environment(job: Job, gpu_visible: bool) -> dict[str, str]:
    """The job's whole environment, the same as the bubblewrap backend's but for PATH: nothing
    of the worker's passes through. The container sees only its own GPU, as device 0."""
    return job_environment(job, path=IMAGE_PATH, cuda_visible_devices="0" if gpu_visible else "")


def container_arguments(
    job: Job,
    job_dir: str,
    gpu_index: int | None,
    cgroup_parent: str | None,
    *,
    image: str,
    python: str,
) -> dict[str, Any]:
    """Everything `create_container` gets for a job; `host_config` holds the keyword
    arguments of `create_host_config`."""
    limits = job.limits
    memory_bytes = limits.memory_mb * 1024 * 1024
    cpu_seconds = cpu_seconds_limit(limits)
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
        command[0] = python
    address_space = address_space_bytes(limits)
    if address_space is not None:
        # RLIMIT_AS set by the job's first process, which then becomes the job: as a
        # container ulimit it would also bind the runtime's own setup (runc fails under it).
        command = [PRLIMIT, f"--as={address_space}", "--", *command]
    return {
        "image": image,
        "command": command,
        "user": SANDBOX_USER,
        "environment": container_environment(job, gpu_visible=gpu_index is not None),
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
        "labels": {JOB_LABEL: "job", OWNER_LABEL: owner()},
        "host_config": host_config,
    }


def owner() -> str:
    """This worker process, as a label: host, pid and the pid's start time (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{start_time(os.getpid())}"


def start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]
