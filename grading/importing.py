"""Exercise folders (exercise.yaml + an nbgrader source notebook) checked, and the values an
Exercise row stores for them.

The content importer calls `validate_exercise_folder` for every exercise before it writes
anything, then writes each row with `exercise_values` through its one create/update/deactivate
step (content.applying.sync), as it writes lessons and quizzes. What grading needs of the notebook
(the release notebook, the cells sorted into setup, answer and test) is computed here, once, and
stored on the row.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from nbformat import NotebookNode

from courseware.rendering import render_markdown
from grading.autotests import AutotestError, autotests_expand
from grading.hints import hints_from_meta
from grading.models import Exercise
from grading.notebooks import (
    NotebookError,
    classify,
    read_notebook,
    release_notebook,
    validate_source,
)
from grading.pipeline import data_file_name
from grading.prepared import PreparedNotebook, notebook_prepare

DEVICES = {choice.value for choice in Exercise.Device}
KNOWN_KEYS = {"title", "lesson", "device", "limits", "hints", "checks", "test_hints", "order"}


DATA_FOLDER = "data"
MAX_DATA_FILES = 50
MAX_DATA_BYTES = 5 * 1024 * 1024


@dataclass
class ExerciseSpec:
    slug: str
    folder: Path
    title: str
    lesson: str
    device: str
    wall_seconds: int
    memory_mb: int
    hints: list[dict[str, Any]]  # {text, html, solution}: see grading/hints.py
    test_hints: dict[str, str]
    checks: list[dict[str, Any]]
    source: NotebookNode
    release: NotebookNode
    prepared: PreparedNotebook
    statement: str
    content_hash: str
    max_points: float
    order: int = 0
    mistakes: dict[str, str] = field(default_factory=dict)
    data_files: dict[str, bytes] = field(default_factory=dict)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(f"{key}:"):
            return number
    return 1


def validate_exercise_folder(path: Path) -> tuple[ExerciseSpec | None, list[str]]:
    """Read and check one exercise folder. Errors are `file:line: what is wrong`."""
    errors: list[str] = []
    meta_path = path / "exercise.yaml"
    notebook_path = path / "source.ipynb"
    if not path.is_dir():
        return None, [f"{path}:1: exercise folder not found"]
    if not meta_path.exists():
        return None, [f"{meta_path}:1: missing file"]
    text = meta_path.read_text(encoding="utf-8")
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [f"{meta_path}:{line}: malformed YAML: {getattr(error, 'problem', error)}"]
    if not isinstance(meta, dict):
        return None, [f"{meta_path}:1: expected a mapping of settings"]
    for key in sorted(set(meta) - KNOWN_KEYS):
        errors.append(f"{meta_path}:{_line_of(text, key)}: unknown key {key!r}")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append(f"{meta_path}:1: 'title' is required")
    device = meta.get("device", "cpu")
    if device not in DEVICES:
        errors.append(
            f"{meta_path}:{_line_of(text, 'device')}: device must be one of {sorted(DEVICES)}"
        )
    limits = meta.get("limits") or {}
    wall = limits.get("wall_seconds", 30) if isinstance(limits, dict) else None
    memory = limits.get("memory_mb", 1024) if isinstance(limits, dict) else None
    if not isinstance(wall, int) or not 1 <= wall <= 600:
        errors.append(f"{meta_path}:{_line_of(text, 'limits')}: wall_seconds must be 1-600")
    if not isinstance(memory, int) or not 64 <= memory <= 16384:
        errors.append(f"{meta_path}:{_line_of(text, 'limits')}: memory_mb must be 64-16384")
    test_hints = meta.get("test_hints") or {}
    if not isinstance(test_hints, dict):
        errors.append(f"{meta_path}:{_line_of(text, 'test_hints')}: test_hints must be a mapping")
        test_hints = {}
    checks = meta.get("checks") or []
    mistakes: dict[str, str] = {}
    if not isinstance(checks, list):
        errors.append(f"{meta_path}:{_line_of(text, 'checks')}: checks must be a list")
        checks = []
    for check in checks:
        if not isinstance(check, dict) or "file" not in check or "points" not in check:
            errors.append(f"{meta_path}:{_line_of(text, 'checks')}: each check needs file, points")
            continue
        mistake = path / str(check["file"])
        if not mistake.exists():
            errors.append(f"{mistake}:1: missing file named by checks")
        else:
            mistakes[str(check["file"])] = mistake.read_text(encoding="utf-8")
    if not notebook_path.exists():
        errors.append(f"{notebook_path}:1: missing file")
        return None, errors
    data_files, data_errors = _data_files(path / DATA_FOLDER)
    errors.extend(data_errors)
    raw = notebook_path.read_bytes()
    try:
        source = read_notebook(raw)
    except NotebookError as error:
        return None, [*errors, f"{notebook_path}:1: {error}"]
    source.metadata.setdefault(
        "kernelspec", {"name": "python3", "language": "python", "display_name": "Python 3"}
    )
    errors.extend(f"{notebook_path}:1: {problem}" for problem in validate_source(source))
    if errors:
        return None, errors
    try:
        source = autotests_expand(source=source, directory=path, course_root=path.parent.parent)
    except AutotestError as error:
        return None, [f"{notebook_path}:1: {error}"]
    try:
        release = release_notebook(source)
    except Exception as error:  # nbgrader preprocessors raise their own error types
        return None, [f"{notebook_path}:1: nbgrader could not make the release version: {error}"]
    hints, hint_errors = hints_from_meta(meta.get("hints"), source=source, render=_render)
    if hint_errors:
        line = _line_of(text, "hints")
        return None, [f"{meta_path}:{line}: {problem}" for problem in hint_errors]
    exercise = classify(source)
    digest_input = raw + text.encode()
    for name, content in sorted(data_files.items()):
        digest_input += name.encode() + b"\0" + hashlib.sha256(content).digest()
    digest = hashlib.sha256(digest_input).hexdigest()
    spec = ExerciseSpec(
        slug=path.name,
        folder=path,
        title=str(title).strip(),
        lesson=str(meta.get("lesson", "")),
        device=device,
        wall_seconds=int(wall),  # type: ignore[arg-type]
        memory_mb=int(memory),  # type: ignore[arg-type]
        hints=hints,
        test_hints={str(key): str(value) for key, value in test_hints.items()},
        checks=checks,
        source=source,
        release=release,
        prepared=notebook_prepare(source, release),
        statement=exercise.statement,
        content_hash=digest,
        max_points=exercise.max_points,
        order=int(meta.get("order", 0) or 0),
        mistakes=mistakes,
        data_files=data_files,
    )
    return spec, []


def _data_files(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """The files under an exercise's data/ folder, bounded in count and size."""
    if not folder.is_dir():
        return {}, []
    files: dict[str, bytes] = {}
    errors: list[str] = []
    total = 0
    for item in sorted(folder.rglob("*")):
        if item.is_symlink():
            errors.append(f"{item}:1: data files may not be links")
            continue
        if not item.is_file():
            continue
        name = item.relative_to(folder).as_posix()
        try:
            data_file_name(name)
        except ValueError as error:
            errors.append(f"{item}:1: {error}")
            continue
        files[name] = item.read_bytes()
        total += len(files[name])
    if len(files) > MAX_DATA_FILES:
        errors.append(f"{folder}:1: at most {MAX_DATA_FILES} data files, not {len(files)}")
    if total > MAX_DATA_BYTES:
        errors.append(
            f"{folder}:1: data files take {total} bytes; at most {MAX_DATA_BYTES} are copied "
            "into every grading's two sandboxes"
        )
    return files, errors


def _render(markdown: str) -> str:
    return str(render_markdown(markdown))


def exercise_values(*, spec: ExerciseSpec, module_pk: int) -> dict[str, object]:
    """The fields of the Exercise row for a checked folder in the module `module_pk`, as JSON
    gives them back (so that an import of unchanged files finds every field equal)."""
    return {
        "module_id": module_pk,
        "title": spec.title,
        "order": spec.order,
        "lesson_slug": spec.lesson,
        "statement_html": _render(spec.statement),
        "source_notebook": json.loads(json.dumps(spec.source)),
        "release_notebook": json.loads(json.dumps(spec.release)),
        "starter_code": spec.prepared.stubs,
        "cells": spec.prepared.stored_cells(),
        "device": spec.device,
        "wall_seconds": spec.wall_seconds,
        "memory_mb": spec.memory_mb,
        "hints": spec.hints,
        "test_hints": spec.test_hints,
        "checks": json.loads(json.dumps(spec.checks)),
        "data_files": {
            name: base64.b64encode(content).decode("ascii")
            for name, content in spec.data_files.items()
        },
        "max_points": spec.max_points,
        "content_hash": spec.content_hash,
        "is_active": True,
    }
