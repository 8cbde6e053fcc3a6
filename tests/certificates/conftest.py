"""Fixtures for certificate tests: the mini course imported and a way to finish it."""

from __future__ import annotations

from typing import Any

import pytest

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole, LessonRead, Quiz
from courseware.services import quiz_attempt_answers_save, quiz_attempt_start, quiz_attempt_submit
from tests.courseware.factories import UserFactory
from tests.courseware.helpers import WRONG, right_answers


@pytest.fixture
def course(db, mini_course_dir) -> Course:
    course_import(path=mini_course_dir)
    return Course.objects.get(slug="mini")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def read_lessons(user: Any, course: Course, *, module_slug: str | None = None) -> None:
    lessons = course.lessons.filter(is_active=True)
    if module_slug:
        lessons = lessons.filter(module__slug=module_slug)
    for lesson in lessons:
        LessonRead.objects.get_or_create(user=user, lesson=lesson)


def take_quiz(user: Any, course: Course, *, right: bool = True) -> float:
    """Submit one attempt of the basics quiz, all right or (right=False) three of five wrong."""
    quiz = Quiz.objects.get(module__course=course, module__slug="basics")
    attempt, _ = quiz_attempt_start(user_id=user.pk, quiz=quiz)
    answers = right_answers(attempt)
    if not right:
        answers.update(WRONG)
    quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=user.pk, answers=answers)
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=user.pk)
    attempt.refresh_from_db()
    assert attempt.score is not None
    return attempt.score


def finish_course(user: Any, course: Course) -> None:
    read_lessons(user, course)
    take_quiz(user, course)


@pytest.fixture
def instructor(course: Course) -> Any:
    """An instructor of the mini course by role."""
    user = UserFactory(username="instructor")
    enrol_with_role(user_id=user.pk, course=course, role=CourseRole.INSTRUCTOR)
    return user
