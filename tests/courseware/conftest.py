"""Fixtures for courseware tests: the mini course imported, and its quiz."""

import pytest

from content.importer import course_import
from courseware.models import Course, Quiz


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
