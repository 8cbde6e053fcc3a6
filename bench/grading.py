"""Grading latency through the pipeline, synchronously (no broker): the two sandboxes and the
relay, for a NumPy and a PyTorch exercise. Prints `name value unit` lines.
Usage: .venv/bin/python bench/grading.py [--runs N]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from grading.notebooks import reference_answers  # noqa: E402
from grading.pipeline import GradingLimits, grade_notebook  # noqa: E402
from sandbox.backends.bwrap import BwrapSandbox  # noqa: E402
from tests.grading.notebook_factory import (  # noqa: E402
    answer_cell,
    grade_cell,
    notebook,
    setup_cell,
    softmax_notebook,
)


def torch_notebook():
    return notebook(
        setup_cell("import torch"),
        answer_cell(
            "def scaled_scores(q, k):\n    ### BEGIN SOLUTION\n"
            "    return q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5\n    ### END SOLUTION\n"
        ),
        grade_cell(
            "q, k = torch.randn(2, 4, 8), torch.randn(2, 4, 8)\n"
            "torch.testing.assert_close(scaled_scores(q, k), q @ k.transpose(-2, -1) / 8 ** 0.5)",
            "test_scores",
            1,
        ),
    )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    sandbox = BwrapSandbox(python=settings.SANDBOX_PYTHON)
    for name, source in (
        ("numpy_softmax", softmax_notebook()),
        ("torch_attention", torch_notebook()),
    ):
        answers = reference_answers(source)
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            outcome = grade_notebook(
                sandbox=sandbox, source=source, answers=answers, limits=GradingLimits()
            )
            samples.append((time.perf_counter() - started) * 1000)
            assert outcome.points == outcome.max_points, outcome
        print(f"grade_{name}_p50 {statistics.median(samples):.0f} ms")
        print(f"grade_{name}_p95 {percentile(samples, 0.95):.0f} ms")


if __name__ == "__main__":
    main()
