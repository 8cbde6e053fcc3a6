"""Forms of the gradebook pages: the weights and an override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from courseware.models import Module
from gradebook.selectors.items import CourseItems, TypeWeights


def weight_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=1000, decimal_places=3, max_digits=8
    )


class WeightsForm(forms.Form):
    lessons = weight_field("Lessons read")
    quizzes = weight_field("Quizzes")
    exercises = weight_field("Exercises")

    def __init__(self, *args: Any, items: CourseItems, modules: list[Module], **kwargs: Any):
        initial = {
            "lessons": items.type_weights.lessons,
            "quizzes": items.type_weights.quizzes,
            "exercises": items.type_weights.exercises,
        }
        for module in modules:
            initial[f"module_{module.pk}"] = items.module_weights.get(module.pk, 1.0)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.modules = modules
        for module in modules:
            self.fields[f"module_{module.pk}"] = weight_field(module.title)

    def type_weights(self) -> TypeWeights:
        data = self.cleaned_data
        return TypeWeights(
            lessons=float(data["lessons"]),
            quizzes=float(data["quizzes"]),
            exercises=float(data["exercises"]),
        )

    def module_weights(self) -> dict[int, float]:
        return {m.pk: float(self.cleaned_data[f"module_{m.pk}"]) for m in self.modules}

    def module_fields(self) -> list[forms.BoundField]:
        return [self[f"module_{module.pk}"] for module in self.modules]


class OverrideForm(forms.Form):
    item = forms.CharField(max_length=400)
    score = forms.DecimalField(
        label=gettext_lazy("Score (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        required=False,
    )
    reason = forms.CharField(max_length=1000)
    withdraw = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("withdraw") and data.get("score") is None and "score" not in self.errors:
            self.add_error("score", "Give a score from 0 to 100, or withdraw the override.")
        return data

    def score_fraction(self) -> float | None:
        if self.cleaned_data.get("withdraw"):
            return None
        return float(self.cleaned_data["score"]) / 100.0
