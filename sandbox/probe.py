"""The GPU check a GPU worker runs at start: inside a real GPU sandbox job, does torch see the
device the job was given?

A worker that fails it must not consume the GPU queue (a learner's GPU grading would fail or
silently run on nothing); the reason it gives goes to the worker's log and its heartbeat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sandbox.base import Sandbox
from sandbox.inside import GPU_PROBE
from sandbox.jobs import Job, Limits, SandboxError

PROBE_SECONDS = 120.0


@dataclass(frozen=True)
class GpuCheck:
    passed: bool
    detail: str
    device_name: str = ""


def gpu_check(sandbox: Sandbox, *, gpus: int, seconds: float = PROBE_SECONDS) -> GpuCheck:
    """Run the probe as a GPU job of the `python-gpu` profile and judge its report."""
    if gpus <= 0:
        return GpuCheck(False, "SANDBOX_GPUS is 0: this worker offers no GPU to its sandbox.")
    job = Job(
        command=("python", "-I", "/job/gpu_probe.py"),
        files={"gpu_probe.py": GPU_PROBE.read_bytes()},
        profile="python-gpu",
        limits=Limits(
            wall_seconds=seconds, cpu_seconds=seconds, memory_mb=8192, processes=256, gpus=1
        ),
    )
    try:
        result = sandbox.run(job)
    except SandboxError as error:
        return GpuCheck(False, f"the sandbox could not start a GPU job: {error}")
    if not result.succeeded:
        stderr = result.stderr.decode("utf-8", "replace")[-1000:]
        return GpuCheck(False, f"the GPU probe failed ({result.explain()}): {stderr}")
    return judge_probe_report(result.stdout.decode("utf-8", "replace"))


def judge_probe_report(text: str) -> GpuCheck:
    """The verdict on the probe's JSON line (apart, so each rule is tested on its own)."""
    try:
        report = json.loads(text.strip().splitlines()[-1] if text.strip() else "")
    except ValueError:
        return GpuCheck(False, f"the GPU probe printed no report: {text[-500:]!r}")
    if not isinstance(report, dict):
        return GpuCheck(False, f"the GPU probe printed no report: {text[-500:]!r}")
    if report.get("error"):
        return GpuCheck(False, f"inside the sandbox {report['error']}")
    if not report.get("cuda_build"):
        return GpuCheck(
            False,
            f"the sandbox's torch {report.get('torch')} is a CPU-only build "
            "(torch.version.cuda is None): install a CUDA build in the GPU runtime",
        )
    if report.get("available") is not True:
        return GpuCheck(
            False,
            "torch.cuda.is_available() is False inside the sandbox "
            f"(CUDA_VISIBLE_DEVICES={report.get('visible_devices')!r}, torch "
            f"{report.get('torch')}, CUDA {report.get('cuda_build')}): the device is not "
            "reachable from the sandbox or the driver does not match",
        )
    if report.get("device_count") != 1:
        return GpuCheck(
            False,
            f"the sandbox sees {report.get('device_count')} devices, not the one it was given "
            f"(CUDA_VISIBLE_DEVICES={report.get('visible_devices')!r})",
        )
    name = str(report.get("device_name", ""))
    if report.get("computed") != 16.0:
        return GpuCheck(False, f"a computation on {name} gave {report.get('computed')}, not 16")
    return GpuCheck(
        True,
        f"torch {report.get('torch')} (CUDA {report.get('cuda_build')}) runs on {name}",
        device_name=name,
    )
