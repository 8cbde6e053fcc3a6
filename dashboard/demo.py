"""A demo class for `make run`: a cohort of 30 learners with three weeks of varied activity,
written straight to the database (no sandbox runs), so a new instructor sees a living dashboard.

Learners follow profiles (ahead, steady, struggling on one exercise, gone quiet, not started);
their reads, quiz attempts (answers scored by the courseware's own question rules) and
submissions (the exercise's own solution code when they pass, a broken variant when they do
not, each with a grading) are drawn from a seeded random generator, so two runs make the same
class. A course that has the demo cohort already is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from courseware.enrolment import enrol_with_role
from courseware.models import (
    Cohort,
    Course,
    Enrolment,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionResponse,
    Quiz,
    QuizAttempt,
)
from courseware.questions.answers import answer_score, correct_answer
from courseware.questions.variants import question_variant
from courseware.services import exercise_score_record
from dashboard.demo_names import FIRST_NAMES, LAST_NAMES
from grading.models import Exercise, GradingRun, Submission

DEMO_COHORT = "Demo class"
COURSE_DAYS = 21


@dataclass(frozen=True)
class Profile:
    name: str
    count: int
    modules_share: float  # how far through the course they got
    skill: float  # chance of a right answer, and of passing an exercise on a try
    idle_days: int  # days since their last activity


PROFILES = (
    Profile("ahead", 6, 1.0, 0.9, 0),
    Profile("steady", 12, 0.6, 0.7, 1),
    Profile("struggling", 5, 0.5, 0.25, 0),
    Profile("gone quiet", 4, 0.25, 0.6, 12),
    Profile("not started", 3, 0.0, 0.0, 0),
)


def _solution(source: str) -> str:
    """An answer cell's code with the nbgrader solution markers taken out."""
    return "\n".join(
        line
        for line in source.splitlines()
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def _broken(code: str, rng: random.Random) -> str:
    """A plausible wrong attempt: the solution with one of its lines dropped or undone."""
    lines = code.splitlines()
    body = [
        n
        for n, line in enumerate(lines)
        if line.strip() and not line.lstrip().startswith(("def ", "import ", "from ", "#"))
    ]
    if not body:
        return code + "\n    pass"
    victim = rng.choice(body)
    indent = lines[victim][: len(lines[victim]) - len(lines[victim].lstrip())]
    lines[victim] = f"{indent}# TODO: not sure about this step\n{indent}pass"
    return "\n".join(lines)


class _Clock:
    """Moments of one learner's activity, moving forward from their start to their last day."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime, steps: int) -> None:
        self.rng, self.at = rng, start
        self.step = (end - start) / max(steps, 1)

    def next(self) -> datetime:
        self.at += self.step * self.rng.uniform(0.5, 1.0)
        return self.at


def _quiz_attempt(
    quiz: Quiz,
    questions: list[Question],
    user: Any,
    number: int,
    skill: float,
    rng: random.Random,
    at: datetime,
) -> None:
    seed = rng.randrange(2**31)
    asked = rng.sample(questions, min(quiz.questions_per_attempt, len(questions)))
    answers: dict[str, Any] = {}
    results: dict[str, Any] = {}
    rows = []
    for question in asked:
        spec = question.spec
        variant = question_variant(spec=spec, key=question.slug, seed=seed)
        answer: Any = correct_answer(spec=spec, variant=variant)
        if rng.random() > skill:
            answer = _wrong_answer(spec, variant.answer, rng)
        score = answer_score(spec=spec, variant=variant, answer=answer)
        answers[question.slug] = answer
        results[question.slug] = {"score": score, "correct": score >= 1.0}
        rows.append((question, answer, score))
    points = sum(score for _, _, score in rows)
    attempt = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        seed=seed,
        question_ids=[question.pk for question in asked],
        option_order={
            q.slug: [o["id"] for o in q.spec.get("options", [])]
            for q in asked
            if "options" in q.spec
        },
        answers=answers,
        status=QuizAttempt.Status.SUBMITTED,
        score=points / len(rows) if rows else 0.0,
        points=points,
        max_points=float(len(rows)),
        results=results,
        saved_at=at,
        submitted_at=at,
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(started_at=at - timedelta(minutes=12))
    QuestionResponse.objects.bulk_create(
        QuestionResponse(
            attempt=attempt, question=question, answer=answer, score=score, is_correct=score >= 1.0
        )
        for question, answer, score in rows
    )


def _wrong_answer(spec: dict[str, Any], right: Any, rng: random.Random) -> Any:
    wrong = [option["id"] for option in spec.get("options", []) if not option["correct"]]
    if spec["type"] == "single" and wrong:
        return rng.choice(wrong)
    if spec["type"] == "multiple" and wrong:
        return [rng.choice(wrong)]
    if spec["type"] == "numeric" and right is not None:
        return float(right) * 2 + 1
    return "not sure"


def _feedback(exercise: Exercise, passed: bool, rng: random.Random) -> tuple[float, dict[str, Any]]:
    """The points and the stored feedback of one grading: every test passes, or some fail."""
    tests = [cell for cell in exercise.cells if cell["kind"] == "test"]
    failing = set() if passed else {rng.choice(tests)["grade_id"]} if tests else set()
    if not passed and len(tests) > 1 and rng.random() < 0.5:
        failing.add(rng.choice(tests)["grade_id"])
    cells = []
    for cell in tests:
        ok = cell["grade_id"] not in failing
        item: dict[str, Any] = {
            "grade_id": cell["grade_id"],
            "points": cell["points"] if ok else 0.0,
            "max_points": cell["points"],
            "passed": ok,
            "hidden": cell["hidden"],
        }
        if not cell["hidden"]:
            item["output"] = ""
            item["traceback"] = (
                "" if ok else ("AssertionError: the output does not match the expected values")
            )
        cells.append(item)
    points = sum(float(item["points"]) for item in cells)
    if not tests:
        points = exercise.max_points if passed else 0.0
    return points, {
        "cells": cells,
        "learner_output": "",
        "message": "",
        "learner_errors": [],
        "timings": {},
    }


def _submissions(
    exercise: Exercise, user: Any, tries: int, passes: bool, rng: random.Random, clock: _Clock
) -> None:
    answers_cells = [cell for cell in exercise.cells if cell["kind"] == "answer"]
    right = {cell["grade_id"]: _solution(cell["source"]) for cell in answers_cells}
    best = 0.0
    for number in range(tries):
        passed = passes and number == tries - 1
        code = dict(right) if passed else {key: _broken(value, rng) for key, value in right.items()}
        at = clock.next()
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=Submission.Kind.CODE,
            payload="\n\n".join(code.values()),
            answers=code,
        )
        Submission.objects.filter(pk=submission.pk).update(created_at=at)
        points, feedback = _feedback(exercise, passed, rng)
        run = GradingRun.objects.create(
            submission=submission,
            status=GradingRun.Status.GRADED,
            points=points,
            max_points=exercise.max_points,
            feedback=feedback,
            finished_at=at + timedelta(seconds=9),
            exercise_hash=exercise.content_hash,
        )
        GradingRun.objects.filter(pk=run.pk).update(queued_at=at)
        best = max(best, points)
    exercise_score_record(
        user_id=user.pk,
        module_id=exercise.module_id,
        exercise_slug=exercise.slug,
        points=best,
        max_points=exercise.max_points,
    )


def _learner_activity(
    course_parts: list[tuple[Module, list[Lesson], Quiz | None, list[Question], list[Exercise]]],
    user: Any,
    profile: Profile,
    rng: random.Random,
    now: datetime,
) -> None:
    if not profile.modules_share or not course_parts:
        return
    reach = max(1, round(len(course_parts) * profile.modules_share))
    start = now - timedelta(days=COURSE_DAYS, hours=rng.uniform(0, 24))
    end = now - timedelta(days=profile.idle_days, hours=rng.uniform(1, 20))
    steps = sum(
        len(lessons) + 3 + 4 * len(exercises)
        for _, lessons, _, _, exercises in course_parts[:reach]
    )
    clock = _Clock(rng, start, end, steps)
    struggle_on = rng.randrange(reach) if profile.name == "struggling" else -1
    for index, (_, lessons, quiz, questions, exercises) in enumerate(course_parts[:reach]):
        for lesson in lessons:
            if rng.random() < 0.9 or profile.name == "ahead":
                read = LessonRead.objects.create(user=user, lesson=lesson)
                LessonRead.objects.filter(pk=read.pk).update(read_at=clock.next())
        if quiz is not None and questions:
            for number in range(1, 1 + rng.choice((1, 1, 2, 3))):
                _quiz_attempt(quiz, questions, user, number, profile.skill, rng, clock.next())
        for exercise in exercises:
            if index == struggle_on and exercise is exercises[0]:
                _submissions(exercise, user, rng.randint(6, 9), False, rng, clock)
                continue
            tries = 1 + sum(1 for _ in range(3) if rng.random() > profile.skill)
            _submissions(exercise, user, tries, rng.random() < profile.skill + 0.2, rng, clock)
    _shift_to_end(user=user, course=course_parts[0][0].course, by=end - clock.at)


def _shift_to_end(*, user: Any, course: Course, by: timedelta) -> None:
    """Move all of a learner's activity later by `by`, so that their last activity falls on the
    day their profile says (the clock's steps are a guess at how many events there will be)."""
    if by <= timedelta(0):
        return
    LessonRead.objects.filter(user=user, lesson__course=course).update(read_at=F("read_at") + by)
    QuizAttempt.objects.filter(user=user, quiz__module__course=course).update(
        started_at=F("started_at") + by,
        saved_at=F("saved_at") + by,
        submitted_at=F("submitted_at") + by,
    )
    GradingRun.objects.filter(
        submission__user=user, submission__exercise__module__course=course
    ).update(queued_at=F("queued_at") + by, finished_at=F("finished_at") + by)
    Submission.objects.filter(user=user, exercise__module__course=course).update(
        created_at=F("created_at") + by
    )


def demo_class_create(*, course: Course, now: datetime | None = None, seed: int = 13) -> int:
    """Create the demo cohort of `course` with its learners and their activity, unless it
    exists. Returns how many learners were enrolled (0 when left as it was)."""
    if Cohort.objects.filter(course=course, name=DEMO_COHORT).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    parts = []
    for module in Module.objects.filter(course=course, is_active=True).order_by("order", "pk"):
        quiz = Quiz.objects.filter(module=module, is_active=True).first()
        questions = list(Question.objects.filter(quiz=quiz, is_active=True)) if quiz else []
        parts.append(
            (
                module,
                list(Lesson.objects.filter(module=module, is_active=True).order_by("order", "pk")),
                quiz,
                questions,
                list(
                    Exercise.objects.filter(module=module, is_active=True).order_by("order", "pk")
                ),
            )
        )
    user_model = get_user_model()
    number = 0
    with transaction.atomic():
        cohort = Cohort.objects.create(course=course, name=DEMO_COHORT)
        for profile in PROFILES:
            for _ in range(profile.count):
                first, last = FIRST_NAMES[number], LAST_NAMES[number]
                number += 1
                user, created = user_model.objects.get_or_create(
                    username=f"demo-{first.lower()}-{number:02d}",
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"demo-{number:02d}@example.org",
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                enrolment = enrol_with_role(user_id=user.pk, course=course, cohort=cohort)
                Enrolment.objects.filter(pk=enrolment.pk).update(
                    created_at=now - timedelta(days=COURSE_DAYS + 1)
                )
                _learner_activity(parts, user, profile, rng, now)
    return number
