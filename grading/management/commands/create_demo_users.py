"""`manage.py create_demo_users`: a demo learner and a demo instructor for `make run`.

Idempotent: existing accounts keep their data and get the demo password back.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole

DEMO_ACCOUNTS = [
    ("learner", "learner-demo-pass", False),
    ("instructor", "instructor-demo-pass", True),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo learner and instructor accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        for username, password, is_staff in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = is_staff
            user.set_password(password)
            user.save()
            role = "instructor" if is_staff else "learner"
            if is_staff:  # instructor pages check the course role, not is_staff
                for course in Course.objects.all():
                    enrol_with_role(user_id=user.pk, course=course, role=CourseRole.INSTRUCTOR)
            self.stdout.write(f"Demo {role}: username {username!r}, password {password!r}")
