"""One learner's gradebook page: their row and each item's override history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from courseware.models import Course, Enrolment
from gradebook.models import GradeOverride
from gradebook.selectors.items import CourseItems, course_items
from gradebook.selectors.rows import GradebookRow, gradebook_rows


@dataclass(frozen=True)
class LearnerGrades:
    items: CourseItems
    row: GradebookRow
    history: dict[str, list[GradeOverride]]  # item key -> its overrides, newest first

    @property
    def history_lines(self) -> list[tuple[str, GradeOverride]]:
        """(item label, override) in column order, each item's newest first."""
        return [
            (item.label, override)
            for item in self.items.items
            for override in self.history.get(item.key, [])
        ]


def learner_grades(*, course: Course, enrolment: Enrolment) -> LearnerGrades:
    items = course_items(course=course)
    (row,) = gradebook_rows(course=course, items=items, enrolments=[enrolment])
    history: dict[str, list[GradeOverride]] = defaultdict(list)
    for override in (
        GradeOverride.objects.filter(course=course, user_id=enrolment.user_id)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    ):
        history[override.item_key].append(override)
    return LearnerGrades(items=items, row=row, history=dict(history))
