"""Fixtures for courseware tests: the mini course imported, its quiz and its instructor."""

import pytest

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole, Quiz
from tests.courseware.factories import UserFactory


@pytest.fixture
def course(db, mini_course_dir) -> Course:
    course_import(path=mini_course_dir)
    return Course.objects.get(slug="mini")


@pytest.fixture
def quiz(course) -> Quiz:
    return Quiz.objects.get(module__course=course, module__slug="basics")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def instructor(course):
    """An instructor of the mini course by role (global is_staff grants no course pages)."""
    user = UserFactory(username="instructor")
    enrol_with_role(user_id=user.pk, course=course, role=CourseRole.INSTRUCTOR)
    return user
