"""One GPU job per device across every worker of a host, whatever each worker's TMPDIR or /tmp:
the device locks live in one configured folder (SANDBOX_GPU_LOCK_DIR), which worker containers of
one host share by a bind mount. No GPU is needed: the lock is tested, not the device."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.gpus import acquire_gpu
from sandbox.jobs import SandboxError

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from sandbox.gpus import acquire_gpu
index, handle = acquire_gpu(1, 0, lock_dir=Path(sys.argv[1]), require_device_files=False)
print(index, flush=True)
sys.stdin.read()
"""


def test_a_worker_with_another_tmpdir_waits_for_the_device_another_worker_holds(
    tmp_path: Path,
) -> None:
    locks = tmp_path / "locks"
    other_tmp = tmp_path / "other-tmp"
    other_tmp.mkdir()
    environment = {**os.environ, "TMPDIR": str(other_tmp), "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(locks)],
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "0"
        with pytest.raises(SandboxError, match="No GPU became free in time"):
            acquire_gpu(1, 0, lock_dir=locks, require_device_files=False)
    finally:
        holder.communicate("")
    index, handle = acquire_gpu(1, 0, lock_dir=locks, require_device_files=False)
    handle.close()
    assert index == 0


def test_the_lock_folder_is_made_when_missing_and_a_second_device_is_taken_when_one_is_busy(
    tmp_path: Path,
) -> None:
    locks = tmp_path / "not" / "yet"
    first, first_handle = acquire_gpu(2, 0, lock_dir=locks, require_device_files=False)
    second, second_handle = acquire_gpu(2, 0, lock_dir=locks, require_device_files=False)
    first_handle.close()
    second_handle.close()
    assert (first, second) == (0, 1)
    assert sorted(path.name for path in locks.iterdir()) == [
        "academy-gpu-0.lock",
        "academy-gpu-1.lock",
    ]
