"""Demo due dates for `make run`: a course without any gets a weekly schedule, the first
module already past (so "was due" and a late penalty show at once), and a penalty policy."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from courseware.models import Course, Module
from deadlines.models import CoursePolicy, DueDate

FIRST_DUE_DAYS = -3  # the first module was due three days ago
WEEK = timedelta(days=7)


def demo_deadlines_set(*, course: Course, now: datetime | None = None) -> int:
    """Give each active module of `course` a course-wide due date, a week apart, unless the
    course has due dates already (they are the instructor's). Returns how many were set."""
    now = now or timezone.now()
    if DueDate.objects.filter(course=course).exists():
        return 0
    first = timezone.localtime(now).replace(hour=23, minute=59, second=0, microsecond=0)
    first += timedelta(days=FIRST_DUE_DAYS)
    modules = Module.objects.filter(course=course, is_active=True).order_by("order", "pk")
    with transaction.atomic():
        CoursePolicy.objects.get_or_create(
            course=course,
            defaults={
                "late": CoursePolicy.Late.PENALTY,
                "penalty_percent_per_day": 10,
                "penalty_cap_percent": 50,
            },
        )
        rows = [
            DueDate(course=course, module=module, due_at=first + WEEK * number)
            for number, module in enumerate(modules)
        ]
        DueDate.objects.bulk_create(rows)
    return len(rows)
