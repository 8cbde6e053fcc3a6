"""The heatmap: active learners by modules, each cell a completion share and a score.

A cell's completion is the mean of what its module offers: the share of lessons read, the kept
quiz score (0 until attempted) and the exercise points over every exercise of the module. Its
score is the mean of the quiz score and the exercise score that exist. The level (0 to 4) picks
the colour and the pattern; the text says the same in words, so nothing relies on colour."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.models import Cohort, Course, CourseRole, Enrolment, Module
from courseware.selectors.progress import ModuleProgress, progress_by_user

LEVELS = 4


def _mean(values: list[float]) -> float | None:
    # statistics.mean converts every value to an exact fraction: for the 2 or 3 floats of a
    # cell, over learners x modules, that was a second of the page at 2,000 learners.
    return sum(values) / len(values) if values else None


def module_completion(cell: ModuleProgress) -> float | None:
    """The cell's completion (0..1), or None when the module has nothing to do."""
    parts: list[float] = []
    if cell.lessons_total:
        parts.append(min(cell.lessons_read / cell.lessons_total, 1.0))
    if cell.quiz is not None:
        parts.append(cell.quiz_score or 0.0)
    if cell.exercise_max_points:
        parts.append(min(cell.exercise_points / cell.exercise_max_points, 1.0))
    return _mean(parts)


def module_score(cell: ModuleProgress) -> float | None:
    """The mean of the quiz score and the exercise score the learner has, or None."""
    return _mean([s for s in (cell.quiz_score, cell.exercise_score) if s is not None])


@dataclass(frozen=True)
class HeatCell:
    progress: ModuleProgress
    completion: float | None
    score: float | None

    @property
    def level(self) -> int:
        """0 (nothing done) .. 4 (all done): the colour and the pattern of the cell."""
        if not self.completion:
            return 0
        if self.completion >= 1.0:
            return LEVELS
        return min(LEVELS - 1, 1 + int(self.completion * (LEVELS - 1)))

    @property
    def counts(self) -> str:
        """The counts behind the cell, for its title and its accessible text."""
        cell = self.progress
        lines = [f"{cell.module.title}: {cell.lessons_read} of {cell.lessons_total} lessons read"]
        if cell.quiz is not None:
            if cell.quiz_attempts:
                lines.append(
                    f"quiz {round((cell.quiz_score or 0) * 100)}% "
                    f"after {cell.quiz_attempts} attempt{'s' if cell.quiz_attempts > 1 else ''}"
                )
            else:
                lines.append("quiz not attempted")
        if cell.exercise_max_points:
            lines.append(
                f"{cell.exercises_passed} of {cell.exercises_total} exercises passed, "
                f"{cell.exercise_points:g} of {cell.exercise_max_points:g} points"
            )
        return "; ".join(lines)


@dataclass(frozen=True)
class HeatRow:
    enrolment: Enrolment
    cells: tuple[HeatCell, ...]

    @property
    def completion(self) -> float:
        """The learner's completion over the modules that have something to do."""
        shares = [cell.completion for cell in self.cells if cell.completion is not None]
        return _mean(shares) or 0.0


@dataclass(frozen=True)
class Heatmap:
    modules: list[Module]
    rows: list[HeatRow]


def active_learners(*, course: Course, cohort: Cohort | None = None) -> list[Enrolment]:
    """The course's active learners (with user and cohort), by username."""
    enrolments = Enrolment.objects.filter(
        course=course, role=CourseRole.LEARNER, status=Enrolment.Status.ACTIVE
    ).select_related("user", "cohort")
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return list(enrolments.order_by("user__username", "pk"))


def course_heatmap(*, course: Course, enrolments: list[Enrolment]) -> Heatmap:
    """The heatmap of these learners, in a fixed number of queries whatever their number."""
    user_ids = [enrolment.user_id for enrolment in enrolments]
    progress = progress_by_user(course=course, user_ids=user_ids)
    modules = list(
        course.modules.filter(is_active=True).prefetch_related("exercises").order_by("order")
    )
    rows = [
        HeatRow(
            enrolment=enrolment,
            cells=tuple(
                HeatCell(
                    progress=cell, completion=module_completion(cell), score=module_score(cell)
                )
                for cell in progress[enrolment.user_id]
            ),
        )
        for enrolment in enrolments
    ]
    return Heatmap(modules=modules, rows=rows)
