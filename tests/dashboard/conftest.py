"""Fixtures of the dashboard tests: the gradebook's built course, its instructor, and helpers
that give one learner reads and graded submissions at chosen times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, CourseRole, Enrolment, LessonRead
from grading.models import Exercise, GradingRun, Submission
from tests.courseware.factories import UserFactory
from tests.gradebook.builder import BuiltCourse, build_course


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def built(db) -> BuiltCourse:
    return build_course(slug="dash")


@pytest.fixture
def instructor(built):
    user = UserFactory(username="instructor")
    enrol_with_role(user_id=user.pk, course=built.course, role=CourseRole.INSTRUCTOR)
    return user


@pytest.fixture
def cohort(built) -> Cohort:
    return Cohort.objects.create(course=built.course, name="Monday")


def client_of(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def enrol(built: BuiltCourse, username: str, *, cohort: Cohort | None, since: datetime) -> Any:
    user = UserFactory(username=username)
    enrolment = enrol_with_role(user_id=user.pk, course=built.course, cohort=cohort)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=since)
    return user


def read_all(built: BuiltCourse, user: Any, *, at: datetime) -> None:
    for lessons in built.lessons.values():
        for lesson in lessons:
            read = LessonRead.objects.create(user=user, lesson=lesson)
            LessonRead.objects.filter(pk=read.pk).update(read_at=at)


def submit(
    exercise: Exercise, user: Any, *, code: str, points: float, at: datetime, hidden_fails: bool
) -> Submission:
    """A submission of `code` with one graded run scoring `points` of 5."""
    submission = Submission.objects.create(
        exercise=exercise, user=user, kind="code", payload=code, answers={"softmax": code}
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=at)
    GradingRun.objects.create(
        submission=submission,
        status=GradingRun.Status.GRADED,
        points=points,
        max_points=5.0,
        finished_at=at,
        feedback={
            "cells": [
                {
                    "grade_id": "test_small",
                    "points": 1.0,
                    "max_points": 1.0,
                    "passed": True,
                    "output": "softmax([0, 0]) == [0.5, 0.5]",
                },
                {
                    "grade_id": "test_hidden",
                    "points": 0.0 if hidden_fails else 4.0,
                    "max_points": 4.0,
                    "passed": not hidden_fails,
                    "hidden": True,
                },
            ]
        },
    )
    return submission
