"""One GPU job per device at a time, across every backend and worker process on this host.

A job that asks for a GPU takes an exclusive `flock` on that device's lock file for as long as it
runs; the lock goes with the file handle, so a crashed worker frees its device at once.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from pathlib import Path
from typing import IO

from sandbox.jobs import SandboxError

GPU_LOCK_DIR = Path(tempfile.gettempdir())


def acquire_gpu(
    count: int, wait_seconds: float, *, require_device_files: bool = True
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
    deadline = time.monotonic() + wait_seconds
    while True:
        for index in range(count):
            if require_device_files and not os.path.exists(f"/dev/nvidia{index}"):
                continue
            handle = open(GPU_LOCK_DIR / f"academy-gpu-{index}.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return index, handle
        if time.monotonic() > deadline:
            raise SandboxError("No GPU became free in time.")
        time.sleep(0.05)
