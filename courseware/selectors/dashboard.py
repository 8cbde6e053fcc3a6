"""The instructor's reads: the progress table of a course, its quizzes and item analysis."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from courseware.models import (
    Course,
    CourseRole,
    Enrolment,
    Module,
    Question,
    QuestionResponse,
    Quiz,
    QuizAttempt,
)
from courseware.questions.answers import answer_public
from courseware.rendering import markdown_fragment
from courseware.selectors.progress import ModuleProgress, progress_by_user

DISCRIMINATION_GROUP = 0.27
# A distractor nobody picks means something only once enough learners answered.
FLAG_MIN_RESPONSES = 5
FLAG_MIN_STRONG = 3  # strong attempts needed before "most strong learners miss it" is said


@dataclass
class ProgressTable:
    modules: list[Module]
    rows: list[tuple[Any, list[ModuleProgress]]] = field(default_factory=list)


def course_progress_table(*, course: Course) -> ProgressTable:
    """Active learners by modules, for the instructor dashboard (teaching staff and dropped
    learners are not rows)."""
    user_ids = list(
        Enrolment.objects.filter(
            course=course, role=CourseRole.LEARNER, status=Enrolment.Status.ACTIVE
        )
        .order_by("user__username")
        .values_list("user_id", flat=True)
    )
    users = get_user_model().objects.in_bulk(user_ids)
    progress = progress_by_user(course=course, user_ids=user_ids)
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    return ProgressTable(
        modules=modules, rows=[(users[user_id], progress[user_id]) for user_id in user_ids]
    )


@dataclass
class OptionPicks:
    option_id: str
    text: str
    is_correct: bool
    picks: int


@dataclass(frozen=True)
class ResponseLine:
    """One learner's answer to a question as they saw it: choice answers as their letters."""

    username: str
    shown: str  # the letters they picked, the number or text they gave, or "blank"
    is_correct: bool


def _is_blank(answer: Any) -> bool:
    return answer is None or answer == "" or answer == []


def _shown(question: Question, option_order: Any, answer: Any) -> str:
    if _is_blank(answer):
        return "blank"
    order = option_order.get(question.slug) if isinstance(option_order, dict) else None
    public = answer_public(spec=question.spec, option_order=order, answer=answer)
    if isinstance(public, list):
        return ", ".join(str(letter) for letter in public)
    return str(public)


@dataclass
class ItemStats:
    question: Question
    prompt_html: str = ""
    responses: int = 0
    blanks: int = 0
    lines: list[ResponseLine] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    share_correct: float | None = None
    mean_score: float | None = None
    discrimination: float | None = None  # share correct, upper 27% minus lower 27%
    options: list[OptionPicks] = field(default_factory=list)

    @property
    def wrong_picks(self) -> int:
        return sum(option.picks for option in self.options if not option.is_correct)


def quiz_item_analysis(*, quiz: Quiz) -> list[ItemStats]:
    """Classical item analysis over all submitted attempts of a quiz.

    Discrimination compares the share correct among the attempts in the top 27% by total score
    with the share in the bottom 27% (None until both groups answered the question).
    """
    ranked = list(
        QuizAttempt.objects.filter(quiz=quiz, status=QuizAttempt.Status.SUBMITTED)
        .order_by("score", "pk")
        .values_list("pk", flat=True)
    )
    group = math.ceil(DISCRIMINATION_GROUP * len(ranked)) if len(ranked) >= 2 else 0
    lower = set(ranked[:group])
    upper = set(ranked[len(ranked) - group :]) if group else set()
    stats = {
        q.pk: ItemStats(
            question=q,
            prompt_html=markdown_fragment(q.spec.get("prompt", "")).strip(),
            options=[
                OptionPicks(option_id=o["id"], text=o["text"], is_correct=o["correct"], picks=0)
                for o in q.spec.get("options", [])
            ],
        )
        for q in quiz.questions.order_by("order")
    }
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    responses = (
        QuestionResponse.objects.filter(attempt__quiz=quiz)
        .order_by("attempt__user__username", "attempt__number", "pk")
        .values_list(
            "question_id",
            "attempt_id",
            "answer",
            "score",
            "is_correct",
            "attempt__option_order",
            "attempt__user__username",
        )
    )
    for question_id, attempt_id, answer, score, is_correct, order, username in responses:
        item = stats.get(question_id)
        if item is None:
            continue
        item.blanks += _is_blank(answer)
        item.lines.append(
            ResponseLine(username, _shown(item.question, order, answer), bool(is_correct))
        )
        sums = totals[question_id]
        sums["n"] += 1
        sums["correct"] += is_correct
        sums["score"] += score
        for name, members in (("upper", upper), ("lower", lower)):
            if attempt_id in members:
                sums[f"{name}_n"] += 1
                sums[f"{name}_correct"] += is_correct
        chosen = set(answer) if isinstance(answer, list) else {answer}
        for option in item.options:
            option.picks += option.option_id in chosen
    for question_id, item in stats.items():
        found = totals.get(question_id)
        if not found or not found["n"]:
            continue
        sums = found
        item.responses = int(sums["n"])
        item.share_correct = sums["correct"] / sums["n"]
        item.mean_score = sums["score"] / sums["n"]
        if sums["upper_n"] and sums["lower_n"]:
            item.discrimination = (
                sums["upper_correct"] / sums["upper_n"] - sums["lower_correct"] / sums["lower_n"]
            )
        item.flags = _flags(item, sums)
    return list(stats.values())


def _flags(item: ItemStats, sums: dict[str, float]) -> list[str]:
    """Signs that a question may be broken, for the author to check (never acted on)."""
    flags = []
    if item.discrimination is not None and item.discrimination < 0:
        flags.append("Negative discrimination: weaker attempts get it right more often.")
    if item.responses >= FLAG_MIN_RESPONSES:
        for option in item.options:
            if not option.is_correct and not option.picks:
                flags.append(f"Nobody picks the distractor “{option.text}”.")
    if sums["upper_n"] >= FLAG_MIN_STRONG and sums["upper_correct"] / sums["upper_n"] < 0.5:
        flags.append(
            "Most of the strongest attempts miss the “correct” answer: check the answer key."
        )
    return flags


def course_quizzes(*, course: Course) -> list[Quiz]:
    return list(
        Quiz.objects.filter(module__course=course, is_active=True)
        .select_related("module")
        .annotate(submitted=Count("attempts", filter=Q(attempts__status="submitted")))
        .order_by("module__order")
    )
