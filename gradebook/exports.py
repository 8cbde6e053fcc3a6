"""The CSV exports, written line by line for a StreamingHttpResponse.

Gradebook layout (Moodle's "Import grades: CSV file" reads it as is): one row per learner,
identified by `Username` and `Email address` (map either to the LMS's user field), then one
column per item named "<module>: <item> (Real)" and "Course total (Real)", each the kept score
as a percentage 0-100 with two decimals, blank where the learner has no score (an LMS leaves
blank grades unset). Canvas imports the same file after mapping the identity column.

Submissions layout: one row per submission of an exercise, learner then time, with the latest
grading's points per test cell and the late flag from the late-penalty hook.

Text a learner chose (names, e-mail, cohort) that starts like a spreadsheet formula is prefixed
with a quote, so opening the file in a spreadsheet runs nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from courseware.models import Course
from gradebook.selectors.items import CourseItems
from gradebook.selectors.rows import GradebookRow
from gradebook.selectors.submissions import SubmissionLine, exercise_submission_lines
from grading.models import Exercise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet shows as text, never evaluates."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}"


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """Each row as one CSV line (the csv module's quoting), as it is made."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def gradebook_table(*, items: CourseItems, rows: Iterable[GradebookRow]) -> Iterator[list[Any]]:
    yield [
        "First name",
        "Last name",
        "Username",
        "Email address",
        "Cohort",
        "Status",
        *[f"{item.label} (Real)" for item in items.items],
        "Course total (Real)",
    ]
    for row in rows:
        user = row.enrolment.user
        cohort = row.enrolment.cohort
        yield [
            safe_text(user.first_name),
            safe_text(user.last_name),
            safe_text(user.get_username()),
            safe_text(user.email),
            safe_text(cohort.name) if cohort else "",
            row.enrolment.status,
            *[_percent(cell.kept) for cell in row.cells],
            _percent(row.total),
        ]


def submissions_table(
    *, course: Course, exercise: Exercise, test_ids: list[str]
) -> Iterator[list[Any]]:
    yield [
        "Username",
        "Email address",
        "Role",
        "Submission",
        "Submitted at (UTC)",
        "Grading status",
        "Points",
        "Max points",
        *[f"{grade_id} (points)" for grade_id in test_ids],
        "Late",
        "Late penalty (%)",
        "Late reason",
    ]
    line: SubmissionLine
    for line in exercise_submission_lines(course=course, exercise=exercise):
        yield [
            safe_text(line.username),
            safe_text(line.email),
            line.role,
            line.submission_pk,
            line.submitted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            line.status,
            _points(line.points),
            _points(line.max_points),
            *[_points(line.cell_points.get(grade_id)) for grade_id in test_ids],
            "yes" if line.penalty.is_late else "no",
            f"{line.penalty.fraction * 100:g}" if line.penalty.is_late else "",
            safe_text(line.penalty.reason),
        ]
