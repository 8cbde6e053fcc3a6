"""The course folder being read: its files, and every error found in them so far.

Each loading step gets the one `CourseFolder` and adds its errors there, so a single run reports
every problem of the course (`file:line: what is wrong`) before anything is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from content.loading.yaml_lines import LineMapping, line_of, yaml_load
from content.plan import Progress

MANIFEST = "course.yaml"


class CourseFolder:
    def __init__(self, root: Path, progress: Progress):
        self.root = root
        self.display = str(root).rstrip("/")
        self.progress = progress
        self.errors: list[str] = []

    def where(self, relative: str, line: int | None = None) -> str:
        return f"{self.display}/{relative}" + (f":{line}" if line is not None else "")

    def error(self, relative: str, line: int, message: str) -> None:
        self.errors.append(f"{self.where(relative, line)}: {message}")

    def resolve(self, relative: object, manifest_line: int, what: str) -> Path | None:
        """The file a manifest entry names, if it is a file inside the course folder."""
        if not isinstance(relative, str) or not relative.strip():
            self.error(MANIFEST, manifest_line, f"{what}: a file path is required")
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            self.error(MANIFEST, manifest_line, f"{what}: {relative} is outside the course")
            return None
        if not path.is_file():
            self.error(MANIFEST, manifest_line, f"{what}: file not found: {relative}")
            return None
        return path

    def read(self, path: Path, relative: str) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(relative, 1, "not UTF-8 text")
            return None

    def mapping_read(self, path: Path, relative: str, expected: str) -> LineMapping | None:
        """A YAML file that must hold a mapping (`expected` says what it should have)."""
        text = self.read(path, relative)
        if text is None:
            return None
        data, problem = yaml_load(text)
        if problem:
            self.error(relative, *problem)
            return None
        if not isinstance(data, LineMapping):
            self.error(relative, 1, f"expected a mapping with {expected}")
            return None
        return data

    def check_keys(self, node: LineMapping, allowed: set[str], relative: str, what: str) -> None:
        for key in node:
            if key not in allowed:
                self.error(relative, line_of(node, key), f"{what}: unknown key {key!r}")
        for key, line in node.duplicates:
            self.error(relative, line, f"{what}: duplicate key {key!r}")


def content_hash(*parts: object) -> str:
    """A stable digest of what a row is made from: an unchanged hash means nothing to write."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def plain(value: dict[str, Any]) -> dict[str, Any]:
    """The loader's line-aware containers as plain dicts and lists (what JSONField stores)."""
    result: dict[str, Any] = json.loads(json.dumps(value))
    return result
