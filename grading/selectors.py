"""Reads of the grading app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from grading.models import Exercise, GradingRun, HintReveal, Submission


def exercises_for_module(*, module_id: int) -> QuerySet[Exercise]:
    return Exercise.objects.filter(module_id=module_id, is_active=True).order_by("order", "pk")


def exercise_get(*, course_slug: str, slug: str) -> Exercise:
    return Exercise.objects.select_related("module__course").get(
        module__course__slug=course_slug, slug=slug, is_active=True
    )


def submissions_for_learner(*, user: Any, exercise: Exercise, limit: int = 20) -> list[Submission]:
    submissions = list(
        Submission.objects.filter(user=user, exercise=exercise)
        .prefetch_related("runs")
        .order_by("-created_at", "-pk")[:limit]
    )
    return submissions


def latest_run(submission: Submission) -> GradingRun | None:
    runs = list(submission.runs.all())
    return max(runs, key=lambda run: run.number) if runs else None


def hints_revealed(*, user: Any, exercise: Exercise) -> list[str]:
    reveal = HintReveal.objects.filter(user=user, exercise=exercise).first()
    count = reveal.revealed if reveal else 0
    return list(exercise.hints[:count])
