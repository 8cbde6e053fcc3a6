"""`manage.py set_demo_deadlines`: weekly demo due dates for courses that have none."""

from typing import Any

from django.core.management.base import BaseCommand

from courseware.models import Course
from deadlines.demo import demo_deadlines_set


class Command(BaseCommand):
    help = "Give every course without due dates a weekly schedule and a late penalty (demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        for course in Course.objects.order_by("pk"):
            count = demo_deadlines_set(course=course)
            if count:
                self.stdout.write(f"{course.slug}: {count} module due dates set.")
            else:
                self.stdout.write(f"{course.slug}: has due dates already, left as they are.")
