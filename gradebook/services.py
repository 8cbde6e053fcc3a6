"""Writes of the gradebook: the course's weights (instructors) and overrides (teaching staff).

Who may call which is decided by the views' course-role checks; the services check the values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Course, CourseRole, Enrolment, Module
from gradebook.models import CourseWeights, GradeOverride, ModuleWeight
from gradebook.selectors.items import TypeWeights, course_items
from gradebook.selectors.rows import gradebook_rows

MAX_WEIGHT = 1000.0
MAX_REASON = 1000


def _checked_weight(value: float, what: str) -> float:
    if not math.isfinite(value) or value < 0 or value > MAX_WEIGHT:
        raise ApplicationError(
            gettext("The weight of %(what)s must be a number from 0 to %(max)s.")
            % {"what": what, "max": f"{MAX_WEIGHT:g}"}
        )
    return float(value)


def course_weights_update(
    *, course: Course, type_weights: TypeWeights, module_weights: Mapping[int, float]
) -> None:
    """Set the item-type weights and the given modules' weights (module pk -> weight); a module
    of another course is refused and nothing is saved."""
    lessons = _checked_weight(type_weights.lessons, gettext("lessons"))
    quizzes = _checked_weight(type_weights.quizzes, gettext("quizzes"))
    exercises = _checked_weight(type_weights.exercises, gettext("exercises"))
    modules = {
        module.pk: module for module in Module.objects.filter(course=course, pk__in=module_weights)
    }
    if set(modules) != set(module_weights):
        raise ApplicationError(
            gettext("A weight was given for a module that is not in this course.")
        )
    checked = {
        pk: _checked_weight(value, modules[pk].title) for pk, value in module_weights.items()
    }
    with transaction.atomic():
        CourseWeights.objects.update_or_create(
            course=course,
            defaults={"lessons": lessons, "quizzes": quizzes, "exercises": exercises},
        )
        for module_pk, weight in checked.items():
            ModuleWeight.objects.update_or_create(module_id=module_pk, defaults={"weight": weight})


def grade_override_set(
    *,
    course: Course,
    learner_pk: int,
    item_key: str,
    score: float | None,
    reason: str,
    by_pk: int,
) -> GradeOverride:
    """Record a manual score (0..1) for a learner's item, or withdraw the override (None).

    The computed score at this moment is stored beside it (`original_score`), so the history
    shows what the override replaced. A reason is required either way.
    """
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            gettext("Give a reason for the override: the learner and staff see it.")
        )
    if len(reason) > MAX_REASON:
        raise ApplicationError(
            gettext("Keep the reason under %(MAX_REASON)s characters.") % {"MAX_REASON": MAX_REASON}
        )
    if score is not None and (not math.isfinite(score) or not 0.0 <= score <= 1.0):
        raise ApplicationError(gettext("An overriding score is a percentage from 0 to 100."))
    enrolment = (
        Enrolment.objects.filter(course=course, user_id=learner_pk, role=CourseRole.LEARNER)
        .select_related("user")
        .first()
    )
    if enrolment is None:
        raise ApplicationError(gettext("This learner is not in this course."), status_code=404)
    items = course_items(course=course)
    if item_key not in items.by_key():
        raise ApplicationError(gettext("This course has no such gradebook item."))
    (row,) = gradebook_rows(course=course, items=items, enrolments=[enrolment])
    cell = next(cell for cell in row.cells if cell.item.key == item_key)
    if score is None and cell.override is None:
        raise ApplicationError(gettext("This score has no override to withdraw."))
    with transaction.atomic():
        return GradeOverride.objects.create(
            course=course,
            user_id=learner_pk,
            item_key=item_key,
            score=score,
            original_score=cell.after_penalty,
            reason=reason,
            created_by_id=by_pk,
        )
