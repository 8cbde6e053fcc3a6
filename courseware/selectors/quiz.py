"""A learner's quiz reads: may they start an attempt, their attempt, its questions and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext

from courseware.models import Question, Quiz, QuizAttempt
from courseware.questions import answer_public, question_public, question_result
from deadlines.selectors import late_refusal


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    kept_score: float | None
    attempts_left: int | None
    next_start_at: datetime | None
    can_start: bool
    reason: str


def quiz_status_for_user(*, user: Any, quiz: Quiz, now: datetime | None = None) -> QuizStatus:
    now = now or timezone.now()
    attempts = (
        list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))
        if user.is_authenticated
        else []
    )
    submitted = [a for a in attempts if a.is_submitted]
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    kept = None
    if submitted:
        scores = [a.score or 0.0 for a in submitted]
        kept = max(scores) if quiz.keep == Quiz.Keep.BEST else scores[-1]
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(submitted))
    next_start = None
    if quiz.cooldown_minutes and submitted and submitted[-1].submitted_at:
        ready = submitted[-1].submitted_at + timedelta(minutes=quiz.cooldown_minutes)
        next_start = ready if ready > now else None
    reason = ""
    if left == 0:
        reason = gettext("You have used all your attempts.")
    elif next_start is not None:
        reason = gettext("The next attempt opens at %(time)s.") % {
            "time": formats.time_format(timezone.localtime(next_start), "H:i")
        }
    elif open_attempt is None:
        user_id = user.pk if user.is_authenticated else None
        reason = late_refusal(user_id=user_id, item=quiz, at=now) or ""
    return QuizStatus(
        quiz=quiz,
        attempts=attempts,
        open_attempt=open_attempt,
        kept_score=kept,
        attempts_left=left,
        next_start_at=next_start,
        can_start=open_attempt is not None or not reason,
        reason=reason,
    )


def attempt_get_for_user(*, attempt_id: int, user: Any) -> QuizAttempt | None:
    """The learner's own attempt, or None (another learner's attempt is not found)."""
    if not user.is_authenticated:
        return None
    return (
        QuizAttempt.objects.filter(pk=attempt_id, user=user)
        .select_related("quiz__module__course")
        .first()
    )


def _attempt_questions(attempt: QuizAttempt) -> list[Question]:
    by_pk = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return [by_pk[pk] for pk in attempt.question_ids if pk in by_pk]


def attempt_questions_public(*, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """The attempt's questions as shown before submission, with the saved answers.

    Holds no correct answer, correct flag or explanation.
    """
    items = []
    for question in _attempt_questions(attempt):
        order = attempt.option_order.get(question.slug)
        item = question_public(
            spec=question.spec, key=question.slug, seed=attempt.seed, option_order=order
        )
        item["saved"] = answer_public(
            spec=question.spec, option_order=order, answer=attempt.answers.get(question.slug)
        )
        items.append(item)
    return items


def attempt_results(*, attempt: QuizAttempt, reveal: bool) -> list[dict[str, Any]]:
    """Per question: the learner's answer and score, and with `reveal` the correct answer and
    the explanation (`deadlines.selectors.answers_revealed` decides; callers must ask it)."""
    if not attempt.is_submitted:
        raise ValueError("results exist only for submitted attempts")
    items = []
    for question in _attempt_questions(attempt):
        result = attempt.results.get(question.slug, {"score": 0.0})
        items.append(
            question_result(
                spec=question.spec,
                key=question.slug,
                seed=attempt.seed,
                option_order=attempt.option_order.get(question.slug),
                answer=attempt.answers.get(question.slug),
                score=float(result["score"]),
                reveal=reveal,
            )
        )
    return items


def attempts_of_user(*, user: Any, quiz: Quiz) -> QuerySet[QuizAttempt]:
    """The learner's attempts at a quiz, newest first (for the API's list)."""
    return (
        QuizAttempt.objects.filter(user_id=user.pk, quiz=quiz)
        .select_related("quiz__module__course")
        .order_by("-number")
    )
