"""A job that needs a GPU on a host with none of the devices it offers is refused at once with a
reason, instead of waiting out its wall time for a device that cannot appear."""

import os

import pytest

from sandbox.gpus import acquire_gpu
from sandbox.jobs import SandboxError


@pytest.mark.skipif(os.path.exists("/dev/nvidia0"), reason="this host has a GPU")
@pytest.mark.timeout(60)
def test_no_device_file_at_all_is_refused_at_once() -> None:
    with pytest.raises(SandboxError) as refused:
        acquire_gpu(2, wait_seconds=3600)
    assert str(refused.value) == (
        "This worker offers 2 GPU(s) (SANDBOX_GPUS) but none of /dev/nvidia0, /dev/nvidia1 "
        "exists: no NVIDIA device or driver on this host."
    )


def test_offering_no_gpu_is_refused() -> None:
    with pytest.raises(SandboxError, match="SANDBOX_GPUS=0"):
        acquire_gpu(0, wait_seconds=1)
