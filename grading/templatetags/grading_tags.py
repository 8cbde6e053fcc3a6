"""Template tags that let courseware pages list a module's exercises without importing grading.

The tags read through grading's selectors and query nothing themselves."""

from __future__ import annotations

from django import template

from courseware.models import Module
from grading.selectors import ModuleExercise, Visitor, module_exercises_for

register = template.Library()


@register.simple_tag
def module_exercises(module: Module, user: Visitor) -> list[ModuleExercise]:
    return module_exercises_for(module_id=module.pk, user=user)
