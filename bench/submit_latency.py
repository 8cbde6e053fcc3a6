"""Submit-to-result latency through the whole pipeline: a submission row, the broker, a real
Celery worker, both sandboxes, the result row. Prints `name value unit` lines.

Uses the configured database and broker (defaults: SQLite and the SQLite broker in var/bench/);
for production-like numbers run it with DATABASE_URL and CELERY_BROKER_URL set (PostgreSQL,
Redis). It migrates that database and adds a bench user and exercises to it.
Usage: .venv/bin/python bench/submit_latency.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ACADEMY_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("GRADING_SUBMISSIONS_PER_HOUR", "0")
Path(os.environ["ACADEMY_VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from grading.models import Exercise, GradingRun  # noqa: E402
from grading.notebooks import notebook_from_json, reference_answers  # noqa: E402
from grading.services import submission_create  # noqa: E402
from tests.grading.exercise_factory import make_exercise  # noqa: E402
from tests.grading.notebook_factory import (  # noqa: E402
    answer_cell,
    grade_cell,
    notebook,
    setup_cell,
)


def torch_source():
    return notebook(
        setup_cell("import torch"),
        answer_cell(
            "def scores(q, k):\n    ### BEGIN SOLUTION\n"
            "    return q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5\n    ### END SOLUTION\n"
        ),
        grade_cell(
            "q, k = torch.randn(2, 4, 8), torch.randn(2, 4, 8)\n"
            "torch.testing.assert_close(scores(q, k), q @ k.transpose(-2, -1) / 8 ** 0.5)",
            "test_scores",
            1,
        ),
    )


def exercise(slug: str, source) -> Exercise:
    found = Exercise.objects.filter(slug=slug, module__course__slug="bench-course").first()
    if found is not None:
        return found
    return make_exercise(
        Path(tempfile.mkdtemp()), slug=slug, course_slug="bench-course", source=source
    )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-learner")
    from tests.grading.notebook_factory import softmax_notebook

    exercises = {
        "numpy_softmax": exercise("bench-softmax", softmax_notebook()),
        "torch_scores": exercise("bench-torch", torch_source()),
    }
    # The warm sandbox path, then the cold one (a fresh interpreter per job) as the baseline.
    for mode, runs in (("warm", args.runs), ("cold", max(5, args.runs // 5))):
        environment = dict(os.environ, SANDBOX_WARM="true" if mode == "warm" else "false")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "grading,default",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            time.sleep(8)  # the worker starts and warms its sandbox
            for name, item in exercises.items():
                answers = reference_answers(notebook_from_json(item.source_notebook))
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    submission = submission_create(user=user, exercise=item, code=answers)
                    while True:
                        run = GradingRun.objects.filter(submission=submission).first()
                        if run is not None and run.is_finished:
                            break
                        time.sleep(0.01)
                    samples.append((time.perf_counter() - started) * 1000)
                    assert run.points == run.max_points, run.feedback
                print(f"submit_to_result_{name}_{mode}_p50 {statistics.median(samples):.0f} ms")
                print(f"submit_to_result_{name}_{mode}_p95 {percentile(samples, 0.95):.0f} ms")
        finally:
            os.killpg(worker.pid, 15)
            worker.wait()


if __name__ == "__main__":
    main()
