"""Fixtures for deadlines tests: the mini course, its quiz, a cohort, staff and an exercise."""

from __future__ import annotations

from typing import Any

import pytest

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, Course, CourseRole, Module, Quiz
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def course(db, mini_course_dir) -> Course:
    course_import(path=mini_course_dir)
    return Course.objects.get(slug="mini")


@pytest.fixture
def module(course) -> Module:
    return Module.objects.get(course=course, slug="basics")


@pytest.fixture
def quiz(module) -> Quiz:
    return Quiz.objects.select_related("module").get(module=module)


@pytest.fixture
def exercise(course, tmp_path) -> Any:
    return make_exercise(tmp_path, course_slug="mini")


@pytest.fixture
def cohort(course) -> Cohort:
    return Cohort.objects.create(course=course, name="Monday")


@pytest.fixture
def instructor(course):
    user = UserFactory(username="instructor")
    enrol_with_role(user_id=user.pk, course=course, role=CourseRole.INSTRUCTOR)
    return user


@pytest.fixture
def enrolled(course, learner):
    """The learner, enrolled in the mini course (in no cohort)."""
    return enrol_with_role(user_id=learner.pk, course=course)
