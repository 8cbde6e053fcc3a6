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
    sandbox = BwrapSandbox(python=python)

    def bare_empty() -> None:
        subprocess.run([python, "-c", "pass"], check=True)

    def bwrap_empty() -> None:
        result = sandbox.run(Job(command=("python", "-c", "pass")))
        assert result.exit_code == 0, result

    def bare_torch() -> None:
        subprocess.run([python, "-c", TORCH_JOB], check=True, capture_output=True)

    def bwrap_torch() -> None:
        result = sandbox.run(
            Job(command=("python", "-c", TORCH_JOB), limits=Limits(memory_mb=2048))
        )
        assert result.stdout.strip() == b"True", result

    bare = p50(timed(bare_empty, args.runs))
    boxed = p50(timed(bwrap_empty, args.runs))
    print(f"bare_python_empty_p50 {bare:.1f} ms")
    print(f"bwrap_empty_p50 {boxed:.1f} ms")
    print(f"bwrap_empty_overhead_p50 {boxed - bare:.1f} ms")
    torch_runs = max(5, args.runs // 5)
    print(f"bare_torch_matmul_cold_p50 {p50(timed(bare_torch, torch_runs)):.1f} ms")
    cold = timed(bwrap_torch, torch_runs)
    print(f"bwrap_torch_matmul_cold_p50 {p50(cold):.1f} ms")
    print(f"bwrap_torch_matmul_cold_jobs_per_second {1000 / statistics.mean(cold):.2f} jobs/s")


if __name__ == "__main__":
    main()
