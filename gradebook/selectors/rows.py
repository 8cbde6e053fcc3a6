"""The gradebook's rows: each learner's raw score, penalty, override and kept score per item.

`gradebook_rows` reads the progress of any number of learners in a fixed number of queries
(lessons read, quiz attempts, exercise progress, overrides) plus what the late-penalty hook
runs, so neither the page nor the exports grow in queries with the learners they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, Max

from courseware.models import Course, Enrolment, ExerciseProgress, LessonRead, Quiz
from courseware.selectors.progress import KeptQuizScore, kept_quiz_scores
from gradebook.models import GradeOverride
from gradebook.penalties import (
    NO_PENALTY,
    LateCheck,
    Penalty,
    can_be_late,
    late_penalties,
)
from gradebook.selectors.items import EXERCISE, LESSONS, QUIZ, CourseItems, GradeItem

Key = tuple[int, int]  # (user pk, module or quiz pk)


@dataclass(frozen=True, slots=True)
class GradeCell:
    """One learner's score on one item, 0..1 at each step: raw -> after penalty -> kept."""

    item: GradeItem
    raw: float | None
    # The counts `detail` says in words (lessons read, attempts, or points of points): kept as
    # numbers, as the text is wanted for the shown page only, not for every learner sorted.
    done: float = 0.0
    out_of: float = 0.0
    done_at: datetime | None = None
    penalty: Penalty = NO_PENALTY
    override: GradeOverride | None = None

    @property
    def detail(self) -> str:
        kind = self.item.kind
        if kind == LESSONS:
            return f"{self.done:g}/{self.item.lessons_total} read"
        if kind == QUIZ:
            if self.raw is None:
                return "no attempt"
            return f"{self.done:g} attempt{'' if self.done == 1 else 's'}"
        if self.raw is None:
            return "not submitted"
        return f"{self.done:g}/{self.out_of:g} points"

    @property
    def after_penalty(self) -> float | None:
        if self.penalty is NO_PENALTY:  # most cells: nothing to take off
            return self.raw
        return self.penalty.apply(self.raw)

    @property
    def kept(self) -> float | None:
        """The score that counts: the override's when there is one, else raw less penalty."""
        if self.override is not None:
            return self.override.score
        return self.after_penalty

    @property
    def is_overridden(self) -> bool:
        return self.override is not None


@dataclass(frozen=True)
class GradebookRow:
    enrolment: Enrolment
    cells: list[GradeCell]
    total: float | None

    @property
    def user_pk(self) -> int:
        return int(self.enrolment.user_id)

    @property
    def is_started(self) -> bool:
        return any(cell.raw is not None for cell in self.cells)


@dataclass(frozen=True)
class _Progress:
    reads: dict[Key, tuple[int, datetime | None]]
    quizzes: dict[Key, KeptQuizScore]
    exercises: dict[tuple[int, int, str], tuple[float, float, datetime | None]]
    overrides: dict[tuple[int, str], GradeOverride]


def _progress(*, course: Course, user_ids: list[int], with_times: bool) -> _Progress:
    """What the rows are made of, the times of the work only `with_times` (late checks or a
    caller that shows them need them; reading tens of thousands of timestamps is most of the
    cost of a large class)."""
    reads_query = (
        LessonRead.objects.filter(
            user_id__in=user_ids, lesson__course=course, lesson__is_active=True
        )
        .values("user_id", "lesson__module_id")
        .order_by()
    )
    reads: dict[Key, tuple[int, datetime | None]]
    if with_times:
        reads = {
            (user_id, module_id): (n, last)
            for user_id, module_id, n, last in reads_query.annotate(
                n=Count("pk"), last=Max("read_at")
            ).values_list("user_id", "lesson__module_id", "n", "last")
        }
    else:
        reads = {
            (user_id, module_id): (n, None)
            for user_id, module_id, n in reads_query.annotate(n=Count("pk")).values_list(
                "user_id", "lesson__module_id", "n"
            )
        }
    # The course's quizzes first (a few rows): the attempts are then read by quiz, without
    # joining every attempt to its quiz, module and course.
    keep_rule = dict(Quiz.objects.filter(module__course=course).values_list("pk", "keep"))
    quizzes = kept_quiz_scores(user_ids=user_ids, quiz_keep=keep_rule, with_times=with_times)
    exercise_query = ExerciseProgress.objects.filter(user_id__in=user_ids, module__course=course)
    exercise_fields = ("user_id", "module_id", "exercise_key", "best_points", "max_points")
    exercises: dict[tuple[int, int, str], tuple[float, float, datetime | None]]
    if with_times:
        exercises = {
            (user_id, module_id, slug): (best, most, updated_at)
            for user_id, module_id, slug, best, most, updated_at in exercise_query.values_list(
                *exercise_fields, "updated_at"
            )
        }
    else:
        exercises = {
            (user_id, module_id, slug): (best, most, None)
            for user_id, module_id, slug, best, most in exercise_query.values_list(*exercise_fields)
        }
    overrides: dict[tuple[int, str], GradeOverride] = {}
    for override in (
        GradeOverride.objects.filter(course=course, user_id__in=user_ids)
        .select_related("created_by")
        .order_by("created_at", "pk")
    ):
        overrides[(override.user_id, override.item_key)] = override  # the newest one wins
    active = {key: row for key, row in overrides.items() if not row.is_withdrawal}
    return _Progress(reads=reads, quizzes=quizzes, exercises=exercises, overrides=active)


def _raw_cell(
    item: GradeItem, user_id: int, progress: _Progress, override: GradeOverride | None
) -> GradeCell:
    if item.kind == LESSONS:
        read = progress.reads.get((user_id, item.module.pk))
        if read is None:
            return GradeCell(item, None, override=override)
        count = min(read[0], item.lessons_total)
        return GradeCell(
            item, count / item.lessons_total, count, done_at=read[1], override=override
        )
    if item.kind == QUIZ:
        quiz = progress.quizzes.get((user_id, item.object_pk))
        if quiz is None:
            return GradeCell(item, None, override=override)
        return GradeCell(
            item, quiz.score, quiz.attempts, done_at=quiz.submitted_at, override=override
        )
    assert item.kind == EXERCISE
    found = progress.exercises.get((user_id, item.module.pk, item.exercise_slug))
    if found is None:
        return GradeCell(item, None, override=override)
    best, most, updated_at = found
    most = most or item.max_points
    raw = min(best / most, 1.0) if most else 0.0
    return GradeCell(item, raw, best, most, done_at=updated_at, override=override)


def _total(cells: Sequence[GradeCell], total_weight: float) -> float | None:
    if total_weight <= 0:
        return None
    return sum(cell.item.weight * (cell.kept or 0.0) for cell in cells) / total_weight


def gradebook_rows(
    *,
    course: Course,
    items: CourseItems,
    enrolments: Sequence[Enrolment],
    with_times: bool = False,
) -> list[GradebookRow]:
    """One row per enrolment (in the order given), in a fixed number of queries. Each cell's
    `done_at` is read when late checks need it or `with_times` asks for it (else None)."""
    user_ids = [int(enrolment.user_id) for enrolment in enrolments]
    if not user_ids:
        return []
    progress = _progress(
        course=course, user_ids=user_ids, with_times=with_times or can_be_late(course=course)
    )
    overrides = progress.overrides
    table: list[list[GradeCell]] = []
    checks: list[tuple[int, int, LateCheck]] = []  # (row, column, check) of work done
    for row_index, user_id in enumerate(user_ids):
        cells = []
        for column, item in enumerate(items.items):
            cell = _raw_cell(item, user_id, progress, overrides.get((user_id, item.key)))
            if cell.done_at is not None:
                checks.append((row_index, column, LateCheck(user_id, item.key, cell.done_at)))
            cells.append(cell)
        table.append(cells)
    penalties = late_penalties(course=course, checks=[check for _, _, check in checks])
    if penalties:
        for row_index, column, check in checks:
            penalty = penalties.get(check)
            if penalty is not None:
                cells = table[row_index]
                cells[column] = replace(cells[column], penalty=penalty)
    rows = [
        GradebookRow(enrolment=enrolment, cells=cells, total=_total(cells, items.total_weight))
        for enrolment, cells in zip(enrolments, table, strict=True)
    ]
    return rows
