"""Fixtures of the API tests: the mini course with an exercise, people of every role, and a
personal token for each (made by the same service as the account page)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, Course, CourseRole, Enrolment
from grading.models import Exercise
from tests.courseware.factories import CourseFactory, UserFactory
from tests.grading.exercise_factory import make_exercise

ROLES = {
    "learner": ("mini", CourseRole.LEARNER),
    "student": ("mini", CourseRole.LEARNER),
    "ta": ("mini", CourseRole.TEACHING_ASSISTANT),
    "instructor": ("mini", CourseRole.INSTRUCTOR),
    "other_learner": ("other", CourseRole.LEARNER),
    "other_instructor": ("other", CourseRole.INSTRUCTOR),
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def course(db, mini_course_dir) -> Course:
    course_import(path=mini_course_dir)
    return Course.objects.get(slug="mini")


@pytest.fixture
def exercise(course, tmp_path) -> Exercise:
    return make_exercise(tmp_path / "exercises", course_slug="mini")


@pytest.fixture
def people(course, exercise) -> dict[str, Any]:
    """Everyone by role name; `student` is in the Monday cohort, `learner` in none."""
    other = CourseFactory(slug="other", title="Other course")
    courses = {"mini": course, "other": other}
    users: dict[str, Any] = {}
    for name, (course_slug, role) in ROLES.items():
        users[name] = UserFactory(username=name)
        enrol_with_role(user_id=users[name].pk, course=courses[course_slug], role=role)
    monday = Cohort.objects.create(course=course, name="Monday")
    Enrolment.objects.filter(user=users["student"], course=course).update(cohort=monday)
    return users


@pytest.fixture
def tokens(people) -> dict[str, str]:
    """A personal API token's secret per person."""
    return {
        name: api_token_create(user=user, name=f"{name}'s script").secret
        for name, user in people.items()
    }


def token_client(secret: str | None) -> APIClient:
    """A client that authenticates as a program does: the token header, no cookie."""
    client = APIClient()
    if secret is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How much the schemathesis run covered, when it ran (tests/api/test_schemathesis.py)."""
    run = sys.modules.get("tests.api.test_schemathesis")
    if run is None or not run.OPERATIONS:
        return
    terminalreporter.write_line(
        f"schemathesis: {len(run.OPERATIONS)} operations, {run.RUN['examples']} example "
        f"cases, {run.RUN['stateful']} stateful calls"
    )
