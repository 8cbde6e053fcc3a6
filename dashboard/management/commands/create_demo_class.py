"""`manage.py create_demo_class`: a demo cohort of 30 active learners in every course."""

from typing import Any

from django.core.management.base import BaseCommand

from courseware.models import Course
from dashboard.demo import DEMO_COHORT, demo_class_create


class Command(BaseCommand):
    help = "Give every course a demo cohort of 30 learners with varied activity (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for course in Course.objects.order_by("pk"):
            count = demo_class_create(course=course)
            if count:
                self.stdout.write(f"{course.slug}: {count} demo learners in “{DEMO_COHORT}”.")
            else:
                self.stdout.write(f"{course.slug}: has its demo class already, left as it is.")
