"""The GPU check: its rules on the probe's report, and the real probe in the real sandbox on this
CPU-only machine, which it refuses, saying why."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from grading import selectors
from grading.models import Exercise
from monitoring import worker
from sandbox.backends.bwrap import BwrapSandbox
from sandbox.inside import GPU_PROBE
from sandbox.jobs import Job, Limits
from sandbox.probe import gpu_check, judge_probe_report
from tests.grading.exercise_factory import make_exercise
from tests.monitoring.heartbeats import beat, gpu_worker

NO_GPU_HERE = pytest.mark.skipif(
    os.path.exists("/dev/nvidia0"), reason="this machine has a GPU: bench/gpu_check.sh checks it"
)
GOOD = {
    "visible_devices": "0",
    "torch": "2.13.0+cu128",
    "cuda_build": "12.8",
    "available": True,
    "device_count": 1,
    "device_name": "NVIDIA H200",
    "computed": 16.0,
}


def _judge(**changes: object):
    return judge_probe_report(json.dumps({**GOOD, **changes}))


def test_a_good_report_passes_and_names_the_device() -> None:
    check = _judge()
    assert (check.passed, check.device_name) == (True, "NVIDIA H200")
    assert check.detail == "torch 2.13.0+cu128 (CUDA 12.8) runs on NVIDIA H200"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cuda_build": None, "torch": "2.13.0+cpu"}, "is a CPU-only build"),
        ({"available": False}, "torch.cuda.is_available() is False inside the sandbox"),
        ({"device_count": 2}, "the sandbox sees 2 devices, not the one it was given"),
        ({"computed": 0.0}, "a computation on NVIDIA H200 gave 0.0, not 16"),
        ({"error": "torch does not import: No module named 'torch'"}, "torch does not import"),
    ],
)
def test_each_rule_refuses_with_its_reason(changes, reason) -> None:
    check = _judge(**changes)
    assert check.passed is False
    assert reason in check.detail


def test_no_report_is_a_refusal() -> None:
    assert judge_probe_report("Segmentation fault\n").passed is False
    assert judge_probe_report("").passed is False
    assert judge_probe_report("[1, 2]").passed is False


@pytest.fixture(scope="module")
def sandbox():
    running = BwrapSandbox(python=settings.SANDBOX_PYTHON)
    yield running
    running.close()


def test_a_worker_that_offers_no_gpu_refuses(sandbox) -> None:
    check = gpu_check(sandbox, gpus=0)
    assert check.passed is False
    assert check.detail == "SANDBOX_GPUS is 0: this worker offers no GPU to its sandbox."


@NO_GPU_HERE
def test_a_worker_that_offers_a_gpu_this_host_lacks_refuses_at_once() -> None:
    offering = BwrapSandbox(python=settings.SANDBOX_PYTHON, gpus=1)
    try:
        check = gpu_check(offering, gpus=1)
    finally:
        offering.close()
    assert check.passed is False
    assert "none of /dev/nvidia0 exists" in check.detail


def test_the_probe_in_the_real_sandbox_sees_a_cpu_only_torch_here(sandbox) -> None:
    # The probe's own report from inside a real sandbox job (the CPU profile: no device here).
    result = sandbox.run(
        Job(
            command=("python", "-I", "/job/gpu_probe.py"),
            files={"gpu_probe.py": GPU_PROBE.read_bytes()},
            limits=Limits(wall_seconds=60, cpu_seconds=60, memory_mb=2048),
        )
    )
    assert result.succeeded, result.stderr
    report = json.loads(result.stdout)
    assert report["available"] is False
    check = judge_probe_report(result.stdout.decode())
    assert check.passed is False
    if report["cuda_build"] is None:
        assert "CPU-only build" in check.detail
    else:
        assert "torch.cuda.is_available() is False" in check.detail


def _app(queues: str) -> Celery:
    app = Celery("check", set_as_current=False)
    app.conf.task_default_queue = "default"
    app.amqp.queues.select(queues.split(","))
    return app


def test_a_failed_check_deselects_the_gpu_queue_and_keeps_the_others(settings) -> None:
    settings.SANDBOX_GPUS = 0
    app = _app("grading-gpu,default")
    check = worker.check_gpu_before_consuming(hostname="gpu@test", app=app)
    assert check is not None and check.passed is False
    assert worker.consumed_queues(app) == ["default"]


def test_a_worker_without_the_gpu_queue_runs_no_check() -> None:
    app = _app("grading,default")
    assert worker.check_gpu_before_consuming(hostname="cpu@test", app=app) is None
    assert worker.consumed_queues(app) == ["default", "grading"]


def test_the_heartbeat_states_the_queues_and_the_check(db, settings) -> None:
    from monitoring.models import WorkerHeartbeat

    settings.SANDBOX_GPUS = 0
    app = _app("grading-gpu,default")
    worker.check_gpu_before_consuming(hostname="gpu@beat", app=app)
    worker.beat_once()
    heartbeat = WorkerHeartbeat.objects.get(hostname="gpu@beat")
    assert heartbeat.queues == ["default"]
    assert (heartbeat.gpu_checked, heartbeat.gpu_passed) == (True, False)
    assert heartbeat.gpu_detail.startswith("SANDBOX_GPUS is 0")
    worker.STATE.gpu = None


@pytest.mark.django_db
def test_prefer_gpu_follows_a_fresh_or_stale_gpu_heartbeat(tmp_path) -> None:
    exercise = make_exercise(tmp_path, device="prefer-gpu")
    assert exercise.device == Exercise.Device.PREFER_GPU
    on_cpu = ("grading", "No GPU worker is available: this exercise is graded on the CPU.")
    assert selectors.queue_for(exercise) == on_cpu
    heartbeat = gpu_worker(age_seconds=settings.MONITORING_HEARTBEAT_STALE_SECONDS + 5)
    assert selectors.queue_for(exercise) == on_cpu
    heartbeat.delete()
    gpu_worker()
    assert selectors.queue_for(exercise) == ("grading-gpu", "")


@pytest.mark.django_db
def test_a_gpu_worker_that_refused_the_gpu_queue_does_not_count(tmp_path) -> None:
    exercise = make_exercise(tmp_path, device="prefer-gpu")
    beat("gpu@a", ["default"], gpu_checked=True, gpu_passed=False, gpu_detail="no device")
    assert selectors.queue_for(exercise)[0] == "grading"


@NO_GPU_HERE
def test_the_gpu_bench_fails_at_once_and_says_why_without_a_gpu() -> None:
    script = Path(__file__).resolve().parents[2] / "bench" / "gpu_check.sh"
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no NVIDIA GPU on this machine" in result.stderr
