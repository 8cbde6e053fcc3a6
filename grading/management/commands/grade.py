"""`manage.py grade SUBMISSION (--exercise SLUG | --source NOTEBOOK) [--json] [--show-hidden]`

Grades a .py file of answer code or a filled-in .ipynb through the same sandboxes, limits and
verdict path as the worker, synchronously, and prints what the learner would see: each test's
points, visible tests' output and tracebacks, hidden tests by name (and hint) only, the learner's
output and errors, and the message. `--show-hidden` adds what the hidden tests that failed
printed and raised, for the author's eyes. Authors use it to check an exercise before learners
see it; `--seed` replays the hidden inputs of a given grading.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grading.autotests import AutotestError, autotests_expand
from grading.execution import grade_submission_answers, grading_limits_for
from grading.feedback import cause_to_json, cell_to_json, error_to_json, feedback_from_outcome
from grading.models import SEED_LIMIT, Exercise, new_seed
from grading.notebooks import (
    NotebookError,
    answers_from_notebook,
    answers_from_python,
    notebook_from_json,
    read_notebook,
    release_notebook,
)
from grading.pipeline import GradingInfrastructureError, GradingOutcome
from grading.prepared import notebook_prepare
from grading.selectors import exercise_prepared_notebook
from sandbox import get_sandbox

INDENT = "      "


def _seed(text: str) -> int:
    seed = int(text)
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError("out of range")
    return seed


class Command(BaseCommand):
    help = "Grade a submission (.py or .ipynb) against an exercise or any nbgrader source notebook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("submission", type=Path)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--exercise", help="slug of an imported exercise")
        where.add_argument("--source", type=Path, help="an nbgrader source notebook")
        parser.add_argument("--course", default=None, help="course slug, if slugs repeat")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--show-hidden",
            action="store_true",
            help="also print the output and traceback of failed hidden tests (never shown to "
            "learners)",
        )
        parser.add_argument(
            "--seed", type=_seed, default=None, help=f"the grading's seed (0 to {SEED_LIMIT - 1})"
        )
        parser.add_argument("--wall-seconds", type=int, default=None, help="override the limit")
        parser.add_argument("--memory-mb", type=int, default=None, help="override the limit")
        parser.add_argument(
            "--device",
            choices=[choice.value for choice in Exercise.Device],
            default=None,
            help="with --source: the exercise's device (default cpu)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exercise = self._exercise(options)
        answers = self._answers(options["submission"], exercise)
        if exercise.device == Exercise.Device.REQUIRE_GPU and settings.SANDBOX_GPUS <= 0:
            self.stderr.write(
                "This exercise requires a GPU and this machine offers none (SANDBOX_GPUS=0): "
                "grading it on the CPU."
            )
        seed = options["seed"] if options["seed"] is not None else new_seed()
        limits, profile = grading_limits_for(exercise=exercise)
        sandbox = get_sandbox()
        try:
            outcome = grade_submission_answers(
                exercise=exercise, answers=answers, seed=seed, sandbox=sandbox
            )
        except GradingInfrastructureError as error:
            raise CommandError(f"The grader could not reach a verdict: {error}") from None
        finally:
            # The sandbox's warm parent (its cgroup, its job directory) ends with the command.
            sandbox.close()
        result: dict[str, Any] = {
            "exercise": exercise.slug,
            "seed": seed,
            "profile": profile,
            "limits": {
                "wall_seconds": limits.wall_seconds,
                "memory_mb": limits.memory_mb,
                "gpus": limits.gpus,
            },
            **self._learner_view(exercise, outcome, show_hidden=options["show_hidden"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self.stdout.write("\n".join(_text(result)))

    def _exercise(self, options: dict[str, Any]) -> Exercise:
        """The imported exercise, or an unsaved one around a source notebook, so both are
        graded by the worker's own code."""
        if options["source"] is not None:
            try:
                source = read_notebook(options["source"].read_bytes())
            except (OSError, NotebookError) as error:
                raise CommandError(f"{options['source']}: {error}") from None
            source.metadata.setdefault("kernelspec", {"name": "python3", "language": "python"})
            try:
                source = autotests_expand(source=source, directory=options["source"].parent)
            except AutotestError as error:
                raise CommandError(f"{options['source']}: {error}") from None
            try:
                release = release_notebook(source)
            except Exception as error:  # nbgrader preprocessors raise their own error types
                raise CommandError(
                    f"{options['source']}: nbgrader could not make the release version: {error}"
                ) from None
            # What the import would store for this notebook, so it is graded the same way.
            prepared = notebook_prepare(source, release)
            exercise = Exercise(
                slug=options["source"].stem,
                title=options["source"].stem,
                source_notebook=json.loads(json.dumps(source)),
                release_notebook=json.loads(json.dumps(release)),
                starter_code=prepared.stubs,
                cells=prepared.stored_cells(),
                device=options["device"] or Exercise.Device.CPU,
                wall_seconds=30,
                memory_mb=1024,
                test_hints={},
            )
        else:
            if options["device"] is not None:
                raise CommandError("--device is for --source: an exercise has its own.")
            found = Exercise.objects.filter(slug=options["exercise"], is_active=True)
            if options["course"]:
                found = found.filter(module__course__slug=options["course"])
            candidate = found.first()
            if candidate is None:
                raise CommandError(f"No active exercise with slug {options['exercise']!r}.")
            exercise = candidate
        # Overrides change this in-memory copy only; the command never saves the exercise.
        if options["wall_seconds"]:
            exercise.wall_seconds = options["wall_seconds"]
        if options["memory_mb"]:
            exercise.memory_mb = options["memory_mb"]
        return exercise

    def _answers(self, path: Path, exercise: Exercise) -> dict[str, str]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error}") from None
        prepared = exercise_prepared_notebook(exercise=exercise)
        answer_ids = [cell.grade_id for cell in prepared.answers]
        try:
            if path.suffix == ".ipynb":
                answers, _edited = answers_from_notebook(
                    read_notebook(data), notebook_from_json(exercise.release_notebook)
                )
                return answers
            return answers_from_python(data.decode("utf-8", "replace"), answer_ids)
        except NotebookError as error:
            raise CommandError(f"{path}: {error}") from None

    def _learner_view(
        self, exercise: Exercise, outcome: GradingOutcome, *, show_hidden: bool
    ) -> dict[str, Any]:
        """The learner's feedback (the worker's own masking rule), plus, when asked, what the
        failed hidden tests printed and raised."""
        feedback = feedback_from_outcome(outcome=outcome, test_hints=exercise.test_hints)
        cells: list[dict[str, object]] = []
        for shown, cell in zip(feedback.cells, outcome.cells, strict=True):
            item = cell_to_json(shown)
            if show_hidden and cell.hidden and not cell.passed:
                item["hidden_output"] = cell.hidden_output
                item["hidden_traceback"] = cell.hidden_traceback
            cells.append(item)
        return {
            "points": outcome.points,
            "max_points": outcome.max_points,
            "cells": cells,
            "learner_output": feedback.learner_output,
            "learner_errors": [error_to_json(error) for error in feedback.learner_errors],
            "message": feedback.message,
            # What went wrong first, as the submission page names it (only when something did).
            **({"cause": cause_to_json(feedback.cause)} if feedback.cause is not None else {}),
        }


def _block(label: str, text: str) -> list[str]:
    if not text:
        return []
    return [f"{INDENT}{label}:"] + [f"{INDENT}| {line}" for line in text.rstrip("\n").split("\n")]


def _text(result: dict[str, Any]) -> list[str]:
    limits = result["limits"]
    lines = [
        f"{result['exercise']}: seed {result['seed']}, {result['profile']}, "
        f"wall {limits['wall_seconds']:g} s, memory {limits['memory_mb']} MB"
    ]
    if "cause" in result:
        lines.append(f"First: {result['cause']['summary']}")
    for cell in result["cells"]:
        mark = "pass" if cell["passed"] else "FAIL"
        hidden = " (hidden)" if cell["hidden"] else ""
        lines.append(
            f"{mark}  {cell['grade_id']}{hidden}: {cell['points']:g}/{cell['max_points']:g}"
        )
        if cell.get("hint"):
            lines.append(f"{INDENT}hint: {cell['hint']}")
        lines += _block("output", cell.get("output", ""))
        lines += _block("traceback", cell.get("traceback", ""))
        lines += _block("hidden output (authors only)", cell.get("hidden_output", ""))
        lines += _block("hidden traceback (authors only)", cell.get("hidden_traceback", ""))
    for error in result["learner_errors"]:
        lines.append(f"Your cell {error['id']} raised {error['error']}")
    if result["learner_output"]:
        lines.append("What your code printed:")
        lines += [f"| {line}" for line in result["learner_output"].rstrip("\n").split("\n")]
    if result["message"]:
        lines.append(f"Message: {result['message']}")
    lines.append(f"Total: {result['points']:g}/{result['max_points']:g}")
    return lines
