"""Template tags that let courseware pages list a module's exercises without importing grading."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Max

from grading.models import GradingRun
from grading.selectors import exercises_for_module

register = template.Library()


@register.simple_tag
def module_exercises(module: Any, user: Any) -> list[tuple[Any, float | None]]:
    exercises = list(exercises_for_module(module_id=module.pk))
    best: dict[int, float] = {}
    if user is not None and user.is_authenticated and exercises:
        rows = (
            GradingRun.objects.filter(
                submission__user=user,
                submission__exercise__in=exercises,
                status=GradingRun.Status.GRADED,
            )
            .values("submission__exercise_id")
            .annotate(best=Max("points"))
        )
        best = {row["submission__exercise_id"]: row["best"] for row in rows}
    return [(exercise, best.get(exercise.pk)) for exercise in exercises]
