"""Import a course folder (content/AUTHORING.md) into courseware, and exercises into grading.

Two phases, each in its own package. `content.loading` (`course_load`) reads and checks every
file and renders every lesson, touching no table; it returns a `CoursePlan` or raises
`ImportFailed` with every error (`file:line: what is wrong`, or `file: question id: what is
wrong` for quiz questions). `content.applying` (`course_apply`) writes a valid plan in one
transaction, matching rows on slugs so that learners keep their progress, and reports what was
added, changed and removed. This module is the entry point that runs both.
"""

from __future__ import annotations

from pathlib import Path

from content.applying.course import course_apply
from content.applying.report import ImportReport
from content.loading.course import course_load
from content.plan import CoursePlan, ImportFailed, Progress

__all__ = [
    "CoursePlan",
    "ImportFailed",
    "ImportReport",
    "course_apply",
    "course_import",
    "course_load",
]


def course_import(
    *, path: Path, force: bool = False, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Check the course folder, then apply it in one transaction (rolled back for a dry run).

    Raises ImportFailed with every problem, leaving the database as it was.
    """
    plan = course_load(path, progress=progress)
    return course_apply(plan=plan, force=force, dry_run=dry_run, progress=progress)
