"""Writes of the courseware app: enrolment, reading, quiz attempts and exercise progress.

Every service is keyword-only and wraps its writes in a transaction. State changes that two
requests could race on are claimed with a conditional UPDATE (`... WHERE status=...`) or a
unique constraint, never with a check followed by a write.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import (
    Course,
    Enrolment,
    ExerciseProgress,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionResponse,
    Quiz,
    QuizAttempt,
)
from courseware.questions import (
    answer_clean,
    answer_score,
    options_shuffled,
    question_variant,
    questions_draw,
)
from courseware.signals import progress_recorded, score_recorded
from deadlines.selectors import late_refusal

MAX_ANSWERS_PER_SAVE = 200


def enrolment_ensure(*, user_id: int, course_id: int) -> None:
    """Enrol the learner on their first activity in the course, if the course allows
    self-enrolment (idempotent). An existing row is left as it is: a dropped learner stays
    dropped, a TA stays a TA."""
    if Enrolment.objects.filter(user_id=user_id, course_id=course_id).exists():
        return
    if Course.objects.filter(pk=course_id, self_enrolment=True).exists():
        Enrolment.objects.get_or_create(user_id=user_id, course_id=course_id)


def lesson_mark_read(*, user_id: int, lesson: Lesson) -> bool:
    """Record that the learner read the lesson; True if this is the first time."""
    if not lesson.is_active:
        raise ApplicationError(
            gettext("This lesson is no longer part of the course."), status_code=404
        )
    with transaction.atomic():
        _, created = LessonRead.objects.get_or_create(user_id=user_id, lesson=lesson)
        enrolment_ensure(user_id=user_id, course_id=lesson.course_id)
        if created:
            progress_recorded.send(sender=LessonRead, user_id=user_id, course_id=lesson.course_id)
    return created


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def quiz_attempt_start(
    *, user_id: int, quiz: Quiz, now: datetime | None = None
) -> tuple[QuizAttempt, bool]:
    """Open a new attempt, or return the open one. Returns (attempt, created).

    Refuses when the attempt limit is used up, the cooldown has not passed, or the quiz is past
    its due date in a course that refuses late work.
    """
    now = now or timezone.now()
    if not quiz.is_active or not quiz.module.is_active:
        raise ApplicationError(gettext("This quiz is no longer open."), status_code=404)
    attempts = QuizAttempt.objects.filter(user_id=user_id, quiz=quiz)
    open_attempt = attempts.filter(status=QuizAttempt.Status.IN_PROGRESS).first()
    if open_attempt is not None:
        return open_attempt, False
    refusal = late_refusal(user_id=user_id, item=quiz, at=now)
    if refusal is not None:
        raise ApplicationError(refusal, status_code=403)
    submitted = attempts.filter(status=QuizAttempt.Status.SUBMITTED)
    if quiz.max_attempts is not None and submitted.count() >= quiz.max_attempts:
        raise ApplicationError(
            gettext("You have used all %(max_attempts)s attempt(s) of this quiz.")
            % {"max_attempts": quiz.max_attempts},
            status_code=409,
        )
    last = submitted.order_by("-submitted_at").first()
    if quiz.cooldown_minutes and last is not None and last.submitted_at is not None:
        ready_at = last.submitted_at + timedelta(minutes=quiz.cooldown_minutes)
        if ready_at > now:
            raise ApplicationError(
                gettext("The next attempt opens in %(value)s minute(s).")
                % {"value": _minutes_left(ready_at, now)},
                status_code=409,
            )
    questions = {q.slug: q for q in quiz.questions.filter(is_active=True)}
    if not questions:
        raise ApplicationError(gettext("This quiz has no questions yet."), status_code=409)
    seed = secrets.randbits(62)
    keys = questions_draw(keys=list(questions), count=quiz.questions_per_attempt, seed=seed)
    number = (attempts.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user_id=user_id,
                quiz=quiz,
                number=number,
                seed=seed,
                question_ids=[questions[key].pk for key in keys],
                option_order={
                    key: options_shuffled(spec=questions[key].spec, key=key, seed=seed)
                    for key in keys
                    if questions[key].type in (Question.Type.SINGLE, Question.Type.MULTIPLE)
                },
            )
            enrolment_ensure(user_id=user_id, course_id=quiz.module.course_id)
    except IntegrityError:
        # Another tab started an attempt at the same moment: use that one.
        open_attempt = attempts.filter(status=QuizAttempt.Status.IN_PROGRESS).first()
        if open_attempt is None:
            raise ApplicationError(
                gettext("Could not start the attempt; please try again.")
            ) from None
        return open_attempt, False
    return attempt, True


def _attempt_for_update(*, attempt_id: int, user_id: int) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .filter(pk=attempt_id, user_id=user_id)
        .select_related("quiz__module")
        .first()
    )
    if attempt is None:
        raise ApplicationError(gettext("Attempt not found."), status_code=404)
    return attempt


def quiz_attempt_answers_save(
    *, attempt_id: int, user_id: int, answers: Mapping[str, Any]
) -> QuizAttempt:
    """Save some answers of an open attempt (question id -> answer; None clears one).

    Every answer is checked before anything is written: one bad answer changes nothing.
    Answers to other questions are kept, so two tabs saving different questions both win.
    """
    if not isinstance(answers, Mapping):
        raise ApplicationError(gettext("`answers` must map question ids to answers."))
    if len(answers) > MAX_ANSWERS_PER_SAVE:
        raise ApplicationError(gettext("Too many answers in one request."))
    with transaction.atomic():
        attempt = _attempt_for_update(attempt_id=attempt_id, user_id=user_id)
        if attempt.status != QuizAttempt.Status.IN_PROGRESS:
            raise ApplicationError(
                gettext("This attempt has been submitted; its answers can no longer change."),
                status_code=409,
            )
        questions = {q.slug: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
        cleaned: dict[str, Any] = {}
        for key, raw in answers.items():
            question = questions.get(key) if isinstance(key, str) else None
            if question is None:
                raise ApplicationError(
                    gettext("Question %(value)r is not part of this attempt.")
                    % {"value": str(key)[:80]}
                )
            try:
                cleaned[key] = answer_clean(
                    spec=question.spec, raw=raw, option_order=attempt.option_order.get(key)
                )
            except ApplicationError as error:
                raise ApplicationError(
                    gettext("Question %(key)r: %(message)s")
                    % {"key": key, "message": error.message},
                    extra={"question": key},
                ) from None
        merged = dict(attempt.answers)
        for key, value in cleaned.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        now = timezone.now()
        updated = QuizAttempt.objects.filter(
            pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS
        ).update(answers=merged, saved_at=now)
        if not updated:
            raise ApplicationError(gettext("This attempt has been submitted."), status_code=409)
        attempt.answers, attempt.saved_at = merged, now
    return attempt


def quiz_attempt_submit(*, attempt_id: int, user_id: int) -> tuple[QuizAttempt, bool]:
    """Score and close an attempt. Returns (attempt, scored_now).

    Submitting again, or from two tabs at once, scores once: the status moves from
    in_progress to submitted in one conditional UPDATE and only its winner records responses.
    Past the due date of a course that refuses late work it is refused and the attempt stays
    open with its saved answers.
    """
    with transaction.atomic():
        attempt = _attempt_for_update(attempt_id=attempt_id, user_id=user_id)
        if attempt.status == QuizAttempt.Status.SUBMITTED:
            return attempt, False
        refusal = late_refusal(user_id=user_id, item=attempt.quiz)
        if refusal is not None:
            raise ApplicationError(refusal, status_code=403)
        by_pk = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
        questions = [by_pk[pk] for pk in attempt.question_ids if pk in by_pk]
        results: dict[str, dict[str, Any]] = {}
        responses = []
        for question in questions:
            answer = attempt.answers.get(question.slug)
            variant = question_variant(spec=question.spec, key=question.slug, seed=attempt.seed)
            score = answer_score(spec=question.spec, variant=variant, answer=answer)
            results[question.slug] = {"score": score, "correct": score >= 1.0}
            responses.append(
                QuestionResponse(
                    attempt=attempt,
                    question=question,
                    answer=answer,
                    score=score,
                    is_correct=score >= 1.0,
                )
            )
        points = sum(item["score"] for item in results.values())
        max_points = float(len(questions))
        now = timezone.now()
        claimed = QuizAttempt.objects.filter(
            pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS
        ).update(
            status=QuizAttempt.Status.SUBMITTED,
            answers=attempt.answers,
            results=results,
            points=points,
            max_points=max_points,
            score=points / max_points if max_points else 0.0,
            submitted_at=now,
        )
        if claimed:
            QuestionResponse.objects.bulk_create(responses)
            score_recorded.send(
                sender=QuizAttempt, kind="quiz", user_id=user_id, quiz_id=attempt.quiz_id
            )
            progress_recorded.send(
                sender=QuizAttempt, user_id=user_id, course_id=attempt.quiz.module.course_id
            )
        attempt.refresh_from_db()
    return attempt, bool(claimed)


def quiz_attempt_form_save(
    *, attempt_id: int, user_id: int, answers: Mapping[str, Any], submit: bool
) -> None:
    """What the attempt page's post does: save the answers it changed, then submit if asked.

    The save comes first so a learner who edits and submits in one post is scored on what they
    typed; a post that changed nothing writes nothing before submitting.
    """
    if answers:
        quiz_attempt_answers_save(attempt_id=attempt_id, user_id=user_id, answers=answers)
    if submit:
        quiz_attempt_submit(attempt_id=attempt_id, user_id=user_id)


def exercise_score_record(
    *, user_id: int, module_id: int, exercise_slug: str, points: float, max_points: float
) -> None:
    """Record a graded exercise score for a learner, keeping their best (called by grading)."""
    with transaction.atomic():
        progress, created = ExerciseProgress.objects.get_or_create(
            user_id=user_id,
            module_id=module_id,
            exercise_key=exercise_slug,
            defaults={"best_points": points, "max_points": max_points},
        )
        if not created:
            # Conditional updates, so two gradings finishing together cannot lower the best.
            ExerciseProgress.objects.filter(pk=progress.pk, best_points__lt=points).update(
                best_points=points, updated_at=timezone.now()
            )
            ExerciseProgress.objects.filter(pk=progress.pk).exclude(max_points=max_points).update(
                max_points=max_points
            )
        course_id = Module.objects.values_list("course_id", flat=True).get(pk=module_id)
        enrolment_ensure(user_id=user_id, course_id=course_id)
        score_recorded.send(
            sender=ExerciseProgress,
            kind="exercise",
            user_id=user_id,
            module_id=module_id,
            exercise_slug=exercise_slug,
        )
        progress_recorded.send(sender=ExerciseProgress, user_id=user_id, course_id=course_id)


def course_enrol(*, user_id: int, course: Course) -> None:
    """Enrol a learner explicitly (the course page's button)."""
    enrolment_ensure(user_id=user_id, course_id=course.pk)


def course_completion_rule_update(
    *, course: Course, requires_lessons: bool, quiz_percent: int, exercise_percent: int
) -> None:
    """Set the course's completion rule (the course settings page). Certificates already issued
    stay as they are: a rule applies to what learners complete from now on."""
    if not (0 <= quiz_percent <= 100 and 0 <= exercise_percent <= 100):
        raise ApplicationError(gettext("A pass mark is a percentage from 0 to 100."))
    with transaction.atomic():
        Course.objects.filter(pk=course.pk).update(
            completion_requires_lessons=requires_lessons,
            completion_quiz_percent=quiz_percent,
            completion_exercise_percent=exercise_percent,
            updated_at=timezone.now(),
        )
    course.refresh_from_db()
