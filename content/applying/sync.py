"""The one create / update / remove step that every imported kind of row goes through.

Rows are matched on a key (a slug, or for a quiz its module), never recreated, so learners keep
their history: a wanted row is created or updated in place, a row the course no longer has is
removed by its kind's rule. For lessons, questions and quizzes that rule is
`remove_unless_used`: a row learners have history on is kept, and deactivated only with force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from django.db import models

from content.applying.report import ImportReport, Outcome

Row = TypeVar("Row", bound=models.Model)
Key = str | int
Values = dict[str, object]


def row_update(row: models.Model, values: Values) -> bool:
    """Set the fields that differ and save; False (and no query) when none does."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save()
    return bool(changed)


def remove_unless_used(
    row: models.Model,
    *,
    refusal: str | None,
    force: bool,
    dependents: models.QuerySet[models.Model] | None = None,
) -> str | None:
    """Delete a row nobody used; one with history (`refusal` says what) is deactivated with
    force and kept without. Returns the refusal when the row stays, else None.

    `dependents` (a quiz's questions) are deactivated or deleted along with the row."""
    if refusal is not None and not force:
        return refusal
    if refusal is not None:
        row_update(row, {"is_active": False})
        if dependents is not None:
            dependents.update(is_active=False)
        return None
    if dependents is not None:
        dependents.delete()
    row.delete()
    return None


class RowSync(Generic[Row]):
    """One kind's rows brought in line with the plan, each change written to the report.

    `rows` are the rows there are now, matched on their field `key`; a created row also gets
    `create_with` (the course it belongs to).
    """

    def __init__(
        self,
        model: type[Row],
        *,
        kind: str,
        report: ImportReport,
        rows: Iterable[Row],
        key: str = "slug",
        create_with: Values | None = None,
    ):
        self.model = model
        self.kind = kind
        self.report = report
        self.key = key
        self.create_with = create_with or {}
        self.existing: dict[Key, Row] = {getattr(row, key): row for row in rows}
        self.wanted: set[Key] = set()

    def put(self, key: Key, name: str, values: Values) -> Row:
        """Create the row the plan wants under `key`, or update it in place."""
        self.wanted.add(key)
        row = self.existing.get(key)
        if row is None:
            fields = {**self.create_with, self.key: key, **values}
            row = self.model._default_manager.create(**fields)
            outcome = Outcome.ADDED
        else:
            outcome = Outcome.CHANGED if row_update(row, values) else Outcome.UNCHANGED
        self.report.record(self.kind, name, outcome)
        return row

    def remove_missing(
        self, remove: Callable[[Row], str | None], *, name: Callable[[Row], str] | None = None
    ) -> list[str]:
        """Remove the active rows the plan did not want; returns why some could not be.

        The report names a removed row by its key unless `name` says otherwise."""
        refusals = []
        for key, row in self.existing.items():
            # Every kind that can leave the course has is_active (the course row never does).
            if key in self.wanted or not getattr(row, "is_active", False):
                continue
            refusal = remove(row)
            if refusal is None:
                self.report.removed[self.kind].append(name(row) if name else str(key))
            else:
                refusals.append(refusal)
        return refusals
