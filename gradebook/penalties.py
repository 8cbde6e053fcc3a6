"""Late penalties as the gradebook reads them, from the deadlines app.

Every score the gradebook shows goes raw score -> penalty -> kept score (then a manual override,
if any, replaces the kept score; the raw score is always kept and shown). The penalty is read
through `late_penalties` only, for many (learner, item) pairs at once, so the gradebook and the
exports stay within a bounded number of queries whatever the number of learners: the course's
due schedule for those learners (deadlines.selectors.due_schedule, four queries) and the
course's quizzes and exercises (two), then every check is answered from memory.

Quizzes and exercises are penalised by the course's late policy when the counted work came
after the learner's due date (extension, cohort date, course default, or the module's date).
Lessons read are never penalised: reading late costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from courseware.models import Course, Quiz
from deadlines.models import DueDate
from deadlines.selectors import Item, due_schedule
from gradebook.selectors.items import EXERCISE, QUIZ, item_key
from grading.models import Exercise


@dataclass(frozen=True)
class LateCheck:
    """One question to the deadlines app: was this work on this item late, and by how much?

    `done_at` is when the counted work was done: the kept quiz attempt's submission, the time
    the best exercise score was reached, the last lesson read of the module, or a submission's
    time in the submissions export. None: nothing done yet (never late).
    """

    user_id: int
    item_key: str
    done_at: datetime | None


@dataclass(frozen=True)
class Penalty:
    """What a late policy takes off a raw score: `fraction` of it (0..1), and why."""

    fraction: float = 0.0
    is_late: bool = False
    reason: str = ""

    def apply(self, raw: float | None) -> float | None:
        """The score kept after the penalty (None stays None: nothing to penalise)."""
        if raw is None:
            return None
        return raw * (1.0 - min(max(self.fraction, 0.0), 1.0))


NO_PENALTY = Penalty()


def can_be_late(*, course: Course) -> bool:
    """Whether any work in the course can be late: only where it has due dates. Where it has
    none, every check is on time, and the callers need not read when work was done."""
    return DueDate.objects.filter(course=course).exists()


def late_penalties(*, course: Course, checks: Sequence[LateCheck]) -> dict[LateCheck, Penalty]:
    """The penalty of each check that is late; checks left out are on time (NO_PENALTY)."""
    dated = [check for check in checks if check.done_at is not None]
    if not dated or not can_be_late(course=course):
        return {}
    schedule = due_schedule(course_id=course.pk, user_ids={check.user_id for check in dated})
    items: dict[str, Item] = {}
    for quiz in Quiz.objects.filter(module__course=course).select_related("module"):
        items[item_key(QUIZ, quiz.module.slug)] = quiz
    for exercise in Exercise.objects.filter(module__course=course).select_related("module"):
        items[item_key(EXERCISE, exercise.module.slug, exercise.slug)] = exercise
    penalties: dict[LateCheck, Penalty] = {}
    for check in dated:
        item = items.get(check.item_key)
        if item is None or check.done_at is None:
            continue
        late = schedule.penalty_for(user_id=check.user_id, item=item, at=check.done_at)
        if late.is_late:
            penalties[check] = Penalty(fraction=late.fraction, is_late=True, reason=late.reason)
    return penalties
