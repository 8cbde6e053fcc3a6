"""Sandbox speed: each figure on its own line as `name value unit`, baselines measured in the
same run. Usage: .venv/bin/python bench/sandbox.py [--runs N]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from sandbox.backends.bwrap import BwrapSandbox  # noqa: E402
from sandbox.jobs import Job, Limits  # noqa: E402

TORCH_JOB = "import torch\nx = torch.rand(256, 256)\nprint(float((x @ x).sum()) > 0)"


def timed(action, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    python = settings.SANDBOX_PYTHON
    cold = BwrapSandbox(python=python, warm=False)
    warm = BwrapSandbox(python=python, warm=True)
    warm.prewarm()

    def bare_empty() -> None:
        subprocess.run([python, "-c", "pass"], check=True)

    def boxed(sandbox: BwrapSandbox, code: str, expected: bytes) -> None:
        job = Job(command=("python", "-c", code), limits=Limits(memory_mb=2048))
        result = sandbox.run(job)
        assert result.stdout.strip() == expected, result

    def bare_torch() -> None:
        subprocess.run([python, "-c", TORCH_JOB], check=True, capture_output=True)

    bare = p50(timed(bare_empty, args.runs))
    cold_empty = p50(timed(lambda: boxed(cold, "pass", b""), args.runs))
    warm_empty = p50(timed(lambda: boxed(warm, "pass", b""), args.runs))
    print(f"bare_python_empty_p50 {bare:.1f} ms")
    print(f"bwrap_empty_p50 {cold_empty:.1f} ms")
    print(f"bwrap_empty_overhead_p50 {cold_empty - bare:.1f} ms")
    print(f"bwrap_warm_empty_p50 {warm_empty:.1f} ms")
    torch_runs = max(5, args.runs // 3)
    print(f"bare_torch_matmul_cold_p50 {p50(timed(bare_torch, torch_runs)):.1f} ms")
    cold_torch = timed(lambda: boxed(cold, TORCH_JOB, b"True"), torch_runs)
    print(f"bwrap_torch_matmul_cold_p50 {p50(cold_torch):.1f} ms")
    warm_torch = timed(lambda: boxed(warm, TORCH_JOB, b"True"), args.runs)
    print(f"bwrap_torch_matmul_warm_p50 {p50(warm_torch):.1f} ms")
    started = time.perf_counter()
    sustained = args.runs * 2
    for _ in range(sustained):
        boxed(warm, TORCH_JOB, b"True")
    rate = sustained / (time.perf_counter() - started)
    print(f"bwrap_torch_matmul_warm_sustained {rate:.1f} jobs/s")
    print(f"bwrap_torch_matmul_cold_sustained {1000 / statistics.mean(cold_torch):.2f} jobs/s")
    warm.warm_pool.close()
    docker_figures(args.runs, bare)


def docker_figures(runs: int, bare_empty_p50: float) -> None:
    """The Docker backend, when a daemon and the sandbox image are there (`make sandbox-image`)."""
    import docker

    try:
        client = docker.from_env(timeout=10)
        client.images.get(settings.SANDBOX_DOCKER_IMAGE)
    except docker.errors.DockerException as error:
        print(f"# docker figures skipped: {error}", file=sys.stderr)
        return
    from sandbox.backends.docker import DockerSandbox

    def backend(warm: bool) -> DockerSandbox:
        return DockerSandbox(
            image=settings.SANDBOX_DOCKER_IMAGE,
            gpu_image=settings.SANDBOX_DOCKER_GPU_IMAGE,
            warm=warm,
        )

    cold, warm = backend(False), backend(True)

    def boxed(sandbox: DockerSandbox, code: str, expected: bytes) -> None:
        job = Job(command=("python", "-c", code), limits=Limits(memory_mb=2048))
        result = sandbox.run(job)
        assert result.stdout.strip() == expected, result

    empty = p50(timed(lambda: boxed(cold, "pass", b""), runs))
    print(f"docker_empty_p50 {empty:.1f} ms")
    print(f"docker_empty_overhead_p50 {empty - bare_empty_p50:.1f} ms")
    torch_runs = max(5, runs // 3)
    cold_torch = timed(lambda: boxed(cold, TORCH_JOB, b"True"), torch_runs)
    print(f"docker_torch_matmul_cold_p50 {p50(cold_torch):.1f} ms")
    # Latency when a warm container is ready: wait (untimed) for it before each job.
    probe = Job(command=("python", "-c", TORCH_JOB), limits=Limits(memory_mb=2048))
    shape = warm.shape(probe)
    samples = []
    for _ in range(torch_runs):
        warm.warm_pool.fill(shape, probe.limits)
        assert warm.warm_pool.wait_until_ready(shape, 60)
        samples += timed(lambda: boxed(warm, TORCH_JOB, b"True"), 1)
    print(f"docker_torch_matmul_warm_p50 {p50(samples):.1f} ms")
    # Back to back: each container serves one job, so a warm one must be started per job.
    started = time.perf_counter()
    for _ in range(torch_runs):
        boxed(warm, TORCH_JOB, b"True")
    rate = torch_runs / (time.perf_counter() - started)
    print(f"docker_torch_matmul_warm_sustained {rate:.2f} jobs/s")
    print(f"docker_torch_matmul_cold_sustained {1000 / statistics.mean(cold_torch):.2f} jobs/s")
    warm.warm_pool.close()


if __name__ == "__main__":
    main()
