"""Template filters for progress and scores, and whether the user teaches the course."""

from typing import Any

from django import template

from courseware.models import Course
from courseware.selectors.roster import teaches_course

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """0.8 -> "80%"; None -> "–"."""
    if value is None or value == "":
        return "–"
    return f"{round(float(value) * 100)}%"


@register.filter
def share(part: Any, whole: Any) -> int:
    """Whole-number percentage of part in whole, for progress bars."""
    try:
        return round(100 * float(part) / float(whole)) if float(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def points(value: Any) -> str:
    """A score in points without a useless ".0": 2.0 -> "2", 1.5 -> "1.5"."""
    if value is None:
        return "–"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0")


@register.filter
def teaches(user: Any, course: Any) -> bool:
    """Whether the user is an active instructor or TA of the course (the header's links)."""
    if not isinstance(course, Course):
        return False
    return teaches_course(user=user, course=course)


@register.filter
def module_completion(completion: Any, module: Any) -> Any:
    """The module's part of a CourseCompletion (None when it has no such module)."""
    return completion.of_module(module) if completion else None
