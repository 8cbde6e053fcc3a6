"""Fixtures of the gradebook tests: a built course (tests.gradebook.builder) and its staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from courseware.enrolment import enrol_with_role
from courseware.models import CourseRole
from tests.courseware.factories import UserFactory
from tests.gradebook.builder import BuiltCourse, build_course


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def built(db) -> BuiltCourse:
    return build_course()


@pytest.fixture
def instructor(built):
    user = UserFactory(username="instructor")
    enrol_with_role(user_id=user.pk, course=built.course, role=CourseRole.INSTRUCTOR)
    return user


@pytest.fixture
def ta(built):
    user = UserFactory(username="ta")
    enrol_with_role(user_id=user.pk, course=built.course, role=CourseRole.TEACHING_ASSISTANT)
    return user


def client_of(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
