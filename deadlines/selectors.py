"""Reads of the deadlines app: when an item is due for a learner, what lateness costs, whether
late work is refused, and whether a quiz may show its correct answers.

One rule answers "when is this item due for this learner": their extension on the item, else
their cohort's date for it, else the course-wide default; a quiz or exercise with none of these
takes its module's date, found by the same rule. `due_schedule` loads everything a page (or the
gradebook, for all learners at once) needs in four queries, whatever the number of items or
learners; `DueSchedule` answers from memory.

This module reads models only (courseware's, grading's and its own) so that courseware's and
grading's services can call it without an import circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext

from courseware.models import Enrolment, Module, Quiz, QuizAttempt
from deadlines.models import CoursePolicy, DueDate, Extension, QuizPolicy
from deadlines.policy import CLOSE, ON_TIME, LatePenalty, LateRule, late_penalty, time_left_text
from grading.models import Exercise

Item = Module | Quiz | Exercise
ItemKey = tuple[str, int]

EXTENSION = "extension"
COHORT = "cohort"
COURSE = "course"


def item_key(item: Item) -> ItemKey:
    """("module" | "quiz" | "exercise", pk): the field a due date or extension names it by."""
    if isinstance(item, Module):
        return ("module", item.pk)
    if isinstance(item, Quiz):
        return ("quiz", item.pk)
    return ("exercise", item.pk)


def item_course_id(item: Item) -> int:
    return item.course_id if isinstance(item, Module) else item.module.course_id


def _row_key(row: DueDate | Extension) -> ItemKey:
    if row.module_id is not None:
        return ("module", row.module_id)
    if row.quiz_id is not None:
        return ("quiz", row.quiz_id)
    return ("exercise", int(row.exercise_id or 0))


def local_text(moment: datetime) -> str:
    """A date and time in the active (the learner's) time zone, with the zone's name."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass(frozen=True)
class DueInfo:
    """An item's due date for one learner, and where it comes from."""

    due_at: datetime
    source: str  # EXTENSION, COHORT or COURSE
    closed_when_past: bool  # the course refuses late work
    from_module: bool = False  # the item has no date of its own: its module's applies
    extension: Extension | None = None

    def is_past(self, at: datetime) -> bool:
        return at > self.due_at

    def time_left(self, now: datetime) -> str:
        return time_left_text(due_at=self.due_at, now=now, closed=self.closed_when_past)

    @property
    def local_text(self) -> str:
        return local_text(self.due_at)


def course_policy(*, course_id: int) -> CoursePolicy:
    """The course's policy row, or an unsaved one holding the defaults."""
    policy = CoursePolicy.objects.filter(course_id=course_id).first()
    return policy if policy is not None else CoursePolicy(course_id=course_id)


def late_rule(policy: CoursePolicy) -> LateRule:
    return LateRule(
        kind=policy.late,
        percent_per_day=policy.penalty_percent_per_day,
        cap_percent=policy.penalty_cap_percent,
    )


@dataclass
class DueSchedule:
    """A course's due dates, its policy, and the cohorts and extensions of some learners."""

    policy: CoursePolicy
    dates: dict[ItemKey, dict[int | None, datetime]] = field(default_factory=dict)
    cohort_of: dict[int, int | None] = field(default_factory=dict)
    extensions: dict[tuple[int, ItemKey], Extension] = field(default_factory=dict)

    @property
    def refuses_late_work(self) -> bool:
        return self.policy.late == CLOSE

    def _own(self, user_id: int | None, key: ItemKey) -> DueInfo | None:
        closed = self.refuses_late_work
        if user_id is not None:
            extension = self.extensions.get((user_id, key))
            if extension is not None:
                return DueInfo(extension.due_at, EXTENSION, closed, extension=extension)
        by_cohort = self.dates.get(key, {})
        cohort_id = self.cohort_of.get(user_id) if user_id is not None else None
        if cohort_id is not None and cohort_id in by_cohort:
            return DueInfo(by_cohort[cohort_id], COHORT, closed)
        if None in by_cohort:
            return DueInfo(by_cohort[None], COURSE, closed)
        return None

    def due_for(self, *, user_id: int | None, item: Item) -> DueInfo | None:
        """When `item` is due for the learner (None: anonymous, course defaults only)."""
        own = self._own(user_id, item_key(item))
        if own is not None or isinstance(item, Module):
            return own
        inherited = self._own(user_id, ("module", item.module_id))
        if inherited is None:
            return None
        return DueInfo(
            inherited.due_at,
            inherited.source,
            inherited.closed_when_past,
            from_module=True,
            extension=inherited.extension,
        )

    def penalty_for(self, *, user_id: int, item: Item, at: datetime) -> LatePenalty:
        due = self.due_for(user_id=user_id, item=item)
        if due is None:
            return ON_TIME
        return late_penalty(rule=late_rule(self.policy), due_at=due.due_at, submitted_at=at)


def due_schedule(*, course_id: int, user_ids: Iterable[int] | None = None) -> DueSchedule:
    """The course's schedule for these learners (None: every member of the course). Four
    queries, however many items and learners."""
    schedule = DueSchedule(policy=course_policy(course_id=course_id))
    for row in DueDate.objects.filter(course_id=course_id):
        schedule.dates.setdefault(_row_key(row), {})[row.cohort_id] = row.due_at
    enrolments = Enrolment.objects.filter(course_id=course_id)
    extensions = Extension.objects.filter(course_id=course_id)
    if user_ids is not None:
        wanted = list(user_ids)
        enrolments, extensions = (
            enrolments.filter(user_id__in=wanted),
            extensions.filter(user_id__in=wanted),
        )
    schedule.cohort_of = dict(enrolments.values_list("user_id", "cohort_id"))
    for extension in extensions:
        schedule.extensions[(extension.user_id, _row_key(extension))] = extension
    return schedule


def _user_id(user: Any) -> int | None:
    return int(user.pk) if user is not None and user.is_authenticated else None


def due_for(*, user: Any, item: Item) -> DueInfo | None:
    """When `item` is due for `user` (extension > cohort > course default > its module's)."""
    return due_for_learner(user_id=_user_id(user), item=item)


def due_for_learner(*, user_id: int | None, item: Item) -> DueInfo | None:
    """`due_for` by the learner's pk (None: anonymous)."""
    schedule = due_schedule(
        course_id=item_course_id(item), user_ids=[user_id] if user_id is not None else []
    )
    return schedule.due_for(user_id=user_id, item=item)


def late_penalty_for(learner: Any, item: Item, at: datetime) -> LatePenalty:
    """The penalty on `learner`'s work on `item` handed in at `at` (for the gradebook and the
    submission and attempt pages). The raw score is not touched: apply `.applied_to(score)`."""
    schedule = due_schedule(course_id=item_course_id(item), user_ids=[learner.pk])
    return schedule.penalty_for(user_id=learner.pk, item=item, at=at)


def late_refusal(*, user_id: int | None, item: Item, at: datetime | None = None) -> str | None:
    """Why the learner's late work on `item` is refused now, or None when it is accepted."""
    at = at or timezone.now()
    due = due_for_learner(user_id=user_id, item=item)
    if due is None or not due.closed_when_past or not due.is_past(at):
        return None
    return gettext(
        "This was due on %(due)s and this course does not accept late work, "
        "so it cannot be handed in now. Ask your instructor for an extension."
    ) % {"due": due.local_text}


def answer_reveal_choice(*, quiz: Quiz) -> str:
    """When `quiz` shows its correct answers: its own choice if it has one, else the course's."""
    own = QuizPolicy.objects.filter(quiz=quiz).values_list("answer_reveal", flat=True).first()
    return str(own or course_policy(course_id=quiz.module.course_id).answer_reveal)


def answers_revealed(*, user: Any, quiz: Quiz, at: datetime | None = None) -> bool:
    """Whether `user` may see the correct answers and explanations of `quiz`'s attempts now,
    under the quiz's choice or else the course's (`answer_reveal_choice`)."""
    at = at or timezone.now()
    choice = answer_reveal_choice(quiz=quiz)
    if choice == CoursePolicy.Reveal.ALWAYS:
        return True
    due = due_for(user=user, item=quiz)
    past_due = due is not None and due.is_past(at)
    if choice == CoursePolicy.Reveal.AFTER_DUE:
        return past_due
    user_id = _user_id(user)
    used_all = (
        user_id is not None
        and quiz.max_attempts is not None
        and (
            QuizAttempt.objects.filter(
                user_id=user_id, quiz=quiz, status=QuizAttempt.Status.SUBMITTED
            ).count()
            >= quiz.max_attempts
        )
    )
    if choice == CoursePolicy.Reveal.AFTER_LAST_ATTEMPT:
        return used_all
    return past_due or used_all


REVEAL_WITHHELD: dict[str, str] = {
    CoursePolicy.Reveal.AFTER_DUE: "The correct answers and explanations are shown after the "
    "due date.",
    CoursePolicy.Reveal.AFTER_LAST_ATTEMPT: "The correct answers and explanations are shown "
    "once you have used your last attempt.",
    CoursePolicy.Reveal.AFTER_DUE_OR_LAST_ATTEMPT: "The correct answers and explanations are "
    "shown after the due date or once you have used your last attempt.",
}


def reveal_withheld_text(*, quiz: Quiz) -> str:
    """What the results page says instead of the answers."""
    return REVEAL_WITHHELD.get(answer_reveal_choice(quiz=quiz), "")
