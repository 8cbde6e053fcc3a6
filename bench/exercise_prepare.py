"""What a grading spends preparing an exercise's notebook before its sandboxes start: derived
again from the stored source notebook on every grading (as before: parse it, nbgrader's release
preprocessors, classify), against reading what the import stored (`PreparedNotebook.from_stored`).
Both are measured in the same run over the guide's exercises; each ends in the same split of the
submission for the two sandboxes. Prints `name value unit` lines.
Usage: .venv/bin/python bench/exercise_prepare.py [--runs N]"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from grading.importing import exercise_values, validate_exercise_folder  # noqa: E402
from grading.notebooks import classify, notebook_from_json, reference_answers  # noqa: E402
from grading.prepared import PreparedNotebook, notebook_prepare, split_submission  # noqa: E402

EXERCISES = ROOT / "content" / "gen-ai-guide" / "exercises"


def _stored(folder: Path) -> dict[str, object]:
    """An exercise's row as the database gives it back (JSON)."""
    spec, errors = validate_exercise_folder(folder)
    if spec is None:
        raise SystemExit(f"{folder}: {errors}")
    values = exercise_values(spec=spec, module_pk=1)
    return json.loads(json.dumps(values))


def computed(row: dict[str, object]) -> PreparedNotebook:
    """What each grading did before: the source parsed, released and classified again (the
    outcome classified it once more)."""
    source = notebook_from_json(row["source_notebook"])  # type: ignore[arg-type]
    prepared = notebook_prepare(source)
    classify(source)
    return prepared


def stored(row: dict[str, object]) -> PreparedNotebook:
    return PreparedNotebook.from_stored(cells=row["cells"], stubs=row["starter_code"])  # type: ignore[arg-type]


def _median_ms(prepare: Callable[[dict[str, object]], PreparedNotebook], rows, runs: int) -> float:
    samples = []
    for _ in range(runs):
        for row, answers in rows:
            started = time.perf_counter()
            split_submission(prepare(row), answers, cell_seconds=30)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rows = []
    for folder in sorted(path for path in EXERCISES.iterdir() if path.is_dir()):
        row = _stored(folder)
        answers = reference_answers(notebook_from_json(row["source_notebook"]))  # type: ignore[arg-type]
        if computed(row) != stored(row):
            raise SystemExit(f"{folder.name}: the stored data differs from what is computed")
        rows.append((row, answers))
    before = _median_ms(computed, rows, args.runs)
    after = _median_ms(stored, rows, args.runs)
    print(f"prepare_exercises {len(rows)} count")
    print(f"prepare_computed_per_grading_p50 {before:.3f} ms")
    print(f"prepare_stored_per_grading_p50 {after:.3f} ms")
    print(f"prepare_speedup {before / after:.0f} x")


if __name__ == "__main__":
    main()
