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
from courseware.selectors.progress import ModuleProgress, progress_by_user

DISCRIMINATION_GROUP = 0.27


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


@dataclass
class ItemStats:
    question: Question
    responses: int = 0
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
            options=[
                OptionPicks(option_id=o["id"], text=o["text"], is_correct=o["correct"], picks=0)
                for o in q.spec.get("options", [])
            ],
        )
        for q in quiz.questions.order_by("order")
    }
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    responses = QuestionResponse.objects.filter(attempt__quiz=quiz).values_list(
        "question_id", "attempt_id", "answer", "score", "is_correct"
    )
    for question_id, attempt_id, answer, score, is_correct in responses:
        item = stats.get(question_id)
        if item is None:
            continue
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
    return list(stats.values())


def course_quizzes(*, course: Course) -> list[Quiz]:
    return list(
        Quiz.objects.filter(module__course=course, is_active=True)
        .select_related("module")
        .annotate(submitted=Count("attempts", filter=Q(attempts__status="submitted")))
        .order_by("module__order")
    )
