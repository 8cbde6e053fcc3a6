"""A module's exercises: each folder under exercises/ checked by grading's import service."""

from __future__ import annotations

from pathlib import Path

from content.loading.folder import MANIFEST, CourseFolder
from content.loading.yaml_lines import LineMapping, line_of
from content.plan import ModulePlan
from courseware.questions import SLUG
from grading.importing import ExerciseSpec, validate_exercise_folder


def exercises_load(
    folder: CourseFolder,
    node: LineMapping,
    module: ModulePlan,
    *,
    seen: dict[str, int],
    lesson_slugs: set[str],
) -> list[ExerciseSpec]:
    """The exercises a module lists; `seen` holds the manifest line of every slug listed so far."""
    slugs = node.get("exercises")
    if slugs is None:
        return []
    line = line_of(node, "exercises")
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        folder.error(MANIFEST, line, f"module {module.slug!r}: exercises must list slugs")
        return []
    specs = []
    for slug in slugs:
        if slug in seen:
            folder.error(
                MANIFEST, line, f"exercise {slug!r} is listed twice (also at line {seen[slug]})"
            )
            continue
        seen[slug] = line
        exercise_folder = folder.root / "exercises" / slug
        if not SLUG.match(slug) or not exercise_folder.is_dir():
            folder.error(
                MANIFEST,
                line,
                f"module {module.slug!r}: exercise folder not found: exercises/{slug}",
            )
            continue
        spec, errors = validate_exercise_folder(exercise_folder)
        folder.errors.extend(errors)
        if spec is None:
            continue
        lesson = spec.lesson or ""
        if lesson and lesson.partition("#")[0] not in lesson_slugs:
            folder.errors.append(
                f"{exercise_folder}/exercise.yaml:{_key_line(exercise_folder, 'lesson')}: "
                f"unknown lesson {lesson!r}"
            )
            continue
        specs.append(spec)
    if specs:
        folder.progress(f"       {module.slug}: {len(specs)} exercises")
    return specs


def _key_line(exercise_folder: Path, key: str) -> int:
    """The line of a top-level key in exercise.yaml (1 when it cannot be found)."""
    try:
        lines = (exercise_folder / "exercise.yaml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)
