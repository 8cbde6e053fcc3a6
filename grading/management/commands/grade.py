"""`manage.py grade SUBMISSION (--exercise SLUG | --source NOTEBOOK) [--json]`

Grades a .py file of answer code or a filled-in .ipynb through the same sandboxes and verdict
path as the web, synchronously. Authors use it to check an exercise before learners see it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grading.notebooks import (
    NotebookError,
    answers_from_notebook,
    answers_from_python,
    classify,
    notebook_from_json,
    read_notebook,
    release_notebook,
)
from grading.pipeline import GradingLimits, grade_notebook


class Command(BaseCommand):
    help = "Grade a submission (.py or .ipynb) against an exercise or any nbgrader source notebook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("submission", type=Path)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--exercise", help="slug of an imported exercise")
        where.add_argument("--source", type=Path, help="an nbgrader source notebook")
        parser.add_argument("--course", default=None, help="course slug, if slugs repeat")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--wall-seconds", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from sandbox import get_sandbox

        limits = GradingLimits()
        if options["source"] is not None:
            try:
                source = read_notebook(options["source"].read_bytes())
            except (OSError, NotebookError) as error:
                raise CommandError(f"{options['source']}: {error}") from None
            source.metadata.setdefault("kernelspec", {"name": "python3", "language": "python"})
        else:
            from grading.models import Exercise

            found = Exercise.objects.filter(slug=options["exercise"], is_active=True)
            if options["course"]:
                found = found.filter(module__course__slug=options["course"])
            exercise = found.first()
            if exercise is None:
                raise CommandError(f"No active exercise with slug {options['exercise']!r}.")
            source = notebook_from_json(exercise.source_notebook)
            limits = GradingLimits(wall_seconds=exercise.wall_seconds, memory_mb=exercise.memory_mb)
        if options["wall_seconds"]:
            limits = GradingLimits(wall_seconds=options["wall_seconds"], memory_mb=limits.memory_mb)
        path: Path = options["submission"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error}") from None
        answer_ids = [cell.grade_id for cell in classify(source).answers]
        try:
            if path.suffix == ".ipynb":
                answers, _edited = answers_from_notebook(
                    read_notebook(data), release_notebook(source)
                )
            else:
                answers = answers_from_python(data.decode("utf-8", "replace"), answer_ids)
        except NotebookError as error:
            raise CommandError(f"{path}: {error}") from None
        outcome = grade_notebook(
            sandbox=get_sandbox(), source=source, answers=answers, limits=limits
        )
        result = {
            "points": outcome.points,
            "max_points": outcome.max_points,
            "cells": [
                {
                    "grade_id": cell.grade_id,
                    "points": cell.points,
                    "max_points": cell.max_points,
                    "passed": cell.passed,
                }
                for cell in outcome.cells
            ],
            "message": outcome.message,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        for cell in outcome.cells:
            mark = "pass" if cell.passed else "FAIL"
            self.stdout.write(f"{mark}  {cell.grade_id}: {cell.points}/{cell.max_points}")
        self.stdout.write(f"total {outcome.points}/{outcome.max_points} {outcome.message}")
