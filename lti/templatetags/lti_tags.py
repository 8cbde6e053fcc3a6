"""The roster page's "sync from the LMS" buttons, one per LMS course linked to the course."""

from __future__ import annotations

from typing import Any

from django import template

from courseware.models import Course
from lti.selectors import contexts_with_roster

register = template.Library()


@register.inclusion_tag("lti/_roster_sync.html", takes_context=True)
def lti_roster_sync(context: dict[str, Any], course: Course) -> dict[str, Any]:
    return {
        "course": course,
        "contexts": contexts_with_roster(course=course),
        "csrf_token": context.get("csrf_token"),
    }
