"""A course with activity, made with bulk_create: for the gradebook's tests and its benchmark.

`build_course` makes modules each with lessons, a quiz and exercises (whose source notebook is
the softmax exercise, three test cells); `add_learners` enrols learners in a cohort and gives
each a deterministic mix of reads, submitted quiz attempts, exercise progress and submissions
with a graded run, a fixed number of rows per learner and module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import nbformat
from django.contrib.auth import get_user_model
from django.utils import timezone

from courseware.models import (
    Cohort,
    Course,
    CourseRole,
    Enrolment,
    ExerciseProgress,
    Lesson,
    LessonRead,
    Module,
    Quiz,
    QuizAttempt,
)
from grading.models import Exercise, GradingRun, Submission
from tests.grading.notebook_factory import softmax_notebook

BATCH = 2000  # rows per INSERT: well under PostgreSQL's 65,535 parameters
TESTS = (("test_small", 1.0), ("test_large_logits", 2.0), ("test_batched", 2.0))


@dataclass
class BuiltCourse:
    course: Course
    modules: list[Module]
    lessons: dict[int, list[Lesson]]  # module pk -> lessons
    quizzes: dict[int, Quiz]
    exercises: dict[int, list[Exercise]]


def build_course(
    *,
    slug: str = "gb",
    modules: int = 2,
    lessons_per_module: int = 2,
    exercises_per_module: int = 1,
) -> BuiltCourse:
    course = Course.objects.create(slug=slug, title=f"Course {slug}")
    made = Module.objects.bulk_create(
        Module(course=course, slug=f"m{n}", title=f"Module {n}", order=n)
        for n in range(1, modules + 1)
    )
    lessons = Lesson.objects.bulk_create(
        Lesson(
            course=course,
            module=module,
            slug=f"{module.slug}-l{n}",
            title=f"Lesson {n}",
            source="Text.",
            html="<p>Text.</p>",
            order=n,
            content_hash="x",
        )
        for module in made
        for n in range(1, lessons_per_module + 1)
    )
    quizzes = Quiz.objects.bulk_create(
        Quiz(module=module, title=f"Quiz {module.order}", content_hash="x") for module in made
    )
    source = nbformat.from_dict(softmax_notebook())
    exercises = Exercise.objects.bulk_create(
        Exercise(
            module=module,
            slug=f"ex{n}",
            title=f"Exercise {module.order}.{n}",
            order=n,
            source_notebook=source,
            release_notebook={},
            max_points=5.0,
            content_hash="x",
        )
        for module in made
        for n in range(1, exercises_per_module + 1)
    )
    by_module: dict[int, list[Lesson]] = {m.pk: [] for m in made}
    for lesson in lessons:
        by_module[lesson.module_id].append(lesson)
    exercise_map: dict[int, list[Exercise]] = {m.pk: [] for m in made}
    for exercise in exercises:
        exercise_map[exercise.module_id].append(exercise)
    return BuiltCourse(
        course=course,
        modules=made,
        lessons=by_module,
        quizzes={quiz.module_id: quiz for quiz in quizzes},
        exercises=exercise_map,
    )


def add_learners(
    built: BuiltCourse, *, count: int, prefix: str = "learner", cohort_name: str = "Monday"
) -> list[int]:
    """Enrol `count` learners with activity; returns their user pks."""
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=f"{prefix}{n:05d}",
                email=f"{prefix}{n:05d}@example.org",
                first_name="Learner",
                last_name=f"{n}",
                password="!",
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    cohort, _ = Cohort.objects.get_or_create(course=built.course, name=cohort_name)
    Enrolment.objects.bulk_create(
        [
            Enrolment(user=user, course=built.course, role=CourseRole.LEARNER, cohort=cohort)
            for user in users
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    reads, attempts, progress, submissions = [], [], [], []
    for index, user in enumerate(users):
        for module in built.modules:
            lessons = built.lessons[module.pk]
            for lesson in lessons[: 1 + index % len(lessons)]:
                reads.append(LessonRead(user=user, lesson=lesson))
            for number in (1, 2):
                attempts.append(
                    QuizAttempt(
                        user=user,
                        quiz=built.quizzes[module.pk],
                        number=number,
                        seed=number,
                        question_ids=[],
                        status=QuizAttempt.Status.SUBMITTED,
                        score=((index + number) % 5) / 4,
                        submitted_at=now - timedelta(hours=number),
                    )
                )
            for exercise in built.exercises[module.pk]:
                progress.append(
                    ExerciseProgress(
                        user=user,
                        module=module,
                        exercise_key=exercise.slug,
                        best_points=float(index % 6),
                        max_points=5.0,
                    )
                )
                submissions.append(
                    Submission(exercise=exercise, user=user, kind="code", payload="", answers={})
                )
    LessonRead.objects.bulk_create(reads, batch_size=BATCH)
    QuizAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    ExerciseProgress.objects.bulk_create(progress, batch_size=BATCH)
    made = Submission.objects.bulk_create(submissions, batch_size=BATCH)
    GradingRun.objects.bulk_create(
        [
            GradingRun(
                submission=submission,
                status=GradingRun.Status.GRADED,
                points=3.0,
                max_points=5.0,
                feedback={
                    "cells": [
                        {
                            "grade_id": grade_id,
                            "points": points if n < 2 else 0.0,
                            "max_points": points,
                        }
                        for n, (grade_id, points) in enumerate(TESTS)
                    ]
                },
            )
            for submission in made
        ],
        batch_size=BATCH,
    )
    return [int(user.pk) for user in users]
