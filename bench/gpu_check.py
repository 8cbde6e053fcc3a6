"""The GPU exercises' reference solutions graded on the GPU through one backend (SANDBOX_BACKEND),
with the same gradings on the CPU as the baseline of the same run. Prints the GPU probe's
verdict (torch.cuda.get_device_name() inside the sandbox) and `name value unit` lines.
Run through bench/gpu_check.sh, which checks the machine and sets the environment."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from grading.importing import validate_exercise_folder  # noqa: E402
from grading.notebooks import reference_answers  # noqa: E402
from grading.pipeline import GradingLimits, grade_notebook  # noqa: E402
from sandbox.factory import build_sandbox  # noqa: E402
from sandbox.probe import gpu_check  # noqa: E402

EXERCISES = ROOT / "content" / "gen-ai-guide" / "exercises"


def gpu_exercises() -> list:
    specs = []
    for folder in sorted(path for path in EXERCISES.iterdir() if path.is_dir()):
        spec, errors = validate_exercise_folder(folder)
        if errors or spec is None:
            raise SystemExit(f"{folder}: {errors}")
        if spec.device != "cpu":
            specs.append(spec)
    return specs


def main() -> int:
    backend = settings.SANDBOX_BACKEND
    sandbox = build_sandbox()
    failures = 0
    try:
        check = gpu_check(sandbox, gpus=settings.SANDBOX_GPUS)
        print(f"# {backend}: GPU check {'passed' if check.passed else 'FAILED'}: {check.detail}")
        if not check.passed:
            return 1
        print(f"# {backend}: torch.cuda.get_device_name() = {check.device_name}")
        specs = gpu_exercises()
        print(f"# {backend}: {len(specs)} GPU exercises")
        for spec in specs:
            answers = reference_answers(spec.source)
            for device, gpus, profile in (("cpu", 0, "python-cpu"), ("gpu", 1, "python-gpu")):
                started = time.monotonic()
                outcome = grade_notebook(
                    sandbox=sandbox,
                    source=spec.source,
                    answers=answers,
                    limits=GradingLimits(
                        wall_seconds=spec.wall_seconds, memory_mb=spec.memory_mb, gpus=gpus
                    ),
                    profile=profile,
                    data_files=spec.data_files,
                )
                seconds = time.monotonic() - started
                name = f"gpu_check_{backend}_{spec.slug}_{device}"
                print(f"{name}_seconds {seconds:.3f} s")
                print(f"{name}_points {outcome.points:g}/{outcome.max_points:g} points")
                if outcome.points != spec.max_points:
                    failures += 1
                    print(f"# {name}: not full marks: {outcome.message}")
    finally:
        sandbox.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
