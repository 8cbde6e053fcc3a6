"""Puts a small exercise in the database with the values a course import stores for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import yaml
from nbformat import NotebookNode

from tests.grading.notebook_factory import softmax_notebook


def make_exercise(
    folder: Path,
    *,
    slug: str = "stable-softmax",
    course_slug: str = "test-course",
    source: NotebookNode | None = None,
    **meta: Any,
) -> Any:
    from courseware.models import Course, Module
    from grading.importing import exercise_values, validate_exercise_folder
    from grading.models import Exercise

    course, _ = Course.objects.get_or_create(slug=course_slug, defaults={"title": "Test course"})
    module, _ = Module.objects.get_or_create(
        course=course, slug="basics", defaults={"title": "Basics", "order": 1}
    )
    path = folder / slug
    path.mkdir(parents=True)
    nbformat.write(source if source is not None else softmax_notebook(), str(path / "source.ipynb"))
    settings = {
        "title": "Stable softmax",
        "limits": {"wall_seconds": 8, "memory_mb": 512},
        "hints": ["Subtract the maximum.", "Use keepdims=True."],
        **meta,
    }
    (path / "exercise.yaml").write_text(yaml.safe_dump(settings))
    spec, errors = validate_exercise_folder(path)
    assert errors == [], errors
    assert spec is not None
    return Exercise.objects.create(slug=slug, **exercise_values(spec=spec, module_pk=module.pk))
