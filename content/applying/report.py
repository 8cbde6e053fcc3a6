"""What an import added, changed and removed, per kind of row, and its summary lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

KINDS = ("course", "modules", "lessons", "quizzes", "questions", "exercises")


class Outcome(StrEnum):
    """What writing one wanted row did."""

    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def _by_kind() -> dict[str, list[str]]:
    return {kind: [] for kind in KINDS}


@dataclass
class ImportReport:
    course_slug: str
    added: dict[str, list[str]] = field(default_factory=_by_kind)
    changed: dict[str, list[str]] = field(default_factory=_by_kind)
    removed: dict[str, list[str]] = field(default_factory=_by_kind)

    def record(self, kind: str, name: str, outcome: Outcome) -> None:
        if outcome is Outcome.ADDED:
            self.added[kind].append(name)
        elif outcome is Outcome.CHANGED:
            self.changed[kind].append(name)

    @property
    def is_empty(self) -> bool:
        return not any(
            names for table in (self.added, self.changed, self.removed) for names in table.values()
        )

    def lines(self) -> list[str]:
        if self.is_empty:
            return [f"Nothing changed: {self.course_slug} is up to date."]
        lines = []
        for kind in KINDS:
            parts = []
            for verb, table in (
                ("added", self.added),
                ("changed", self.changed),
                ("removed", self.removed),
            ):
                names = table[kind]
                if names:
                    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
                    parts.append(f"{len(names)} {verb} ({shown})")
            if parts:
                lines.append(f"{kind}: " + "; ".join(parts))
        return lines
