"""One GPU job per device at a time, across every backend and worker process on this host.

A job that asks for a GPU takes an exclusive `flock` on that device's lock file for as long as it
runs; the lock goes with the file handle, so a crashed worker frees its device at once. The lock
files live in one folder per host (SANDBOX_GPU_LOCK_DIR), not in each process's temporary folder:
workers with another TMPDIR, or in containers with a private /tmp, must all see the same locks
(worker containers of one host bind-mount that folder). GPUs of other hosts are other devices, so
nothing is shared between hosts.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import IO

from sandbox.jobs import SandboxError

DEFAULT_GPU_LOCK_DIR = Path("/run/lock/academy-gpu")


def acquire_gpu(
    count: int,
    wait_seconds: float,
    *,
    lock_dir: Path = DEFAULT_GPU_LOCK_DIR,
    require_device_files: bool = True,
) -> tuple[int, IO[str]]:
    """Lock one of devices 0..count-1 and return its index and the lock's handle (close it to
    release the device). `require_device_files` skips devices whose /dev/nvidiaN this process
    cannot see; the Docker backend turns it off, since its GPUs are the daemon's."""
    if count <= 0:
        raise SandboxError("This job needs a GPU and this worker has none (SANDBOX_GPUS=0).")
    if require_device_files and not any(
        os.path.exists(f"/dev/nvidia{index}") for index in range(count)
    ):
        # Waiting would not help: no device this worker offers exists on this host.
        missing = ", ".join(f"/dev/nvidia{index}" for index in range(count))
        raise SandboxError(
            f"This worker offers {count} GPU(s) (SANDBOX_GPUS) but none of {missing} exists: "
            "no NVIDIA device or driver on this host."
        )
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SandboxError(f"The GPU lock folder {lock_dir} cannot be made: {error}") from error
    deadline = time.monotonic() + wait_seconds
    while True:
        for index in range(count):
            if require_device_files and not os.path.exists(f"/dev/nvidia{index}"):
                continue
            handle = open(lock_dir / f"academy-gpu-{index}.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return index, handle
        if time.monotonic() > deadline:
            raise SandboxError("No GPU became free in time.")
        time.sleep(0.05)
