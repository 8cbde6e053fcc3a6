"""Template tags that show an item's due date and a piece of work's late penalty on the pages
of other apps (course, module, quiz, exercise, submission and results pages).

The schedule of a course is loaded once per request (`due_schedule`, four queries) and kept on
the request, so a page listing many items costs the same as a page showing one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from courseware.models import Course
from deadlines.policy import late_penalty
from deadlines.selectors import (
    DueInfo,
    DueSchedule,
    Item,
    due_schedule,
    item_course_id,
    late_rule,
)

register = template.Library()

CACHE_ATTRIBUTE = "_deadlines_schedules"


def _user_id(context: template.Context, learner: Any = None) -> int | None:
    """The learner whose dates are shown: `learner` when given (a staff member looking at a
    learner's submission), else the visitor."""
    user = learner if learner is not None else context.get("user")
    return int(user.pk) if user is not None and user.is_authenticated else None


def _schedule(context: template.Context, item: Item, user_id: int | None) -> DueSchedule:
    # The page's course, when it has one, spares a query per quiz for the quiz's module.
    course = context.get("course")
    course_id = course.pk if isinstance(course, Course) else item_course_id(item)
    request = context.get("request")
    cache: dict[tuple[int, int | None], DueSchedule] = {}
    if request is not None:
        cache = request.__dict__.setdefault(CACHE_ATTRIBUTE, {})
    key = (course_id, user_id)
    if key not in cache:
        cache[key] = due_schedule(
            course_id=course_id, user_ids=[user_id] if user_id is not None else []
        )
    return cache[key]


def _due(context: template.Context, item: Item, learner: Any) -> DueInfo | None:
    user_id = _user_id(context, learner)
    return _schedule(context, item, user_id).due_for(user_id=user_id, item=item)


@register.inclusion_tag("deadlines/_due.html", takes_context=True)
def due_line(context: template.Context, item: Item | None, learner: Any = None) -> dict[str, Any]:
    """ "Due: Mon 07 Dec 2026, 23:59 CET (due in 2 days)", in the visitor's time zone."""
    due = _due(context, item, learner) if item is not None else None
    if due is None:
        return {"due": None}
    now = timezone.now()
    return {
        "due": due,
        "past": due.is_past(now),
        "time_left": due.time_left(now),
    }


@register.inclusion_tag("deadlines/_late.html", takes_context=True)
def late_note(
    context: template.Context, item: Item, at: datetime | None, learner: Any = None
) -> dict[str, Any]:
    """The late penalty of work on `item` handed in at `at`, and its reason (nothing if on
    time). The raw score stays as it is; this says what the gradebook takes off."""
    if at is None:
        return {"penalty": None}
    user_id = _user_id(context, learner)
    schedule = _schedule(context, item, user_id)
    due = schedule.due_for(user_id=user_id, item=item)
    if due is None:
        return {"penalty": None}
    penalty = late_penalty(rule=late_rule(schedule.policy), due_at=due.due_at, submitted_at=at)
    return {
        "penalty": penalty if penalty.is_late else None,
        "percent": round(penalty.fraction * 100),
    }
