"""Fixtures shared by every test package: users of each role and small course folders."""

from pathlib import Path

import pytest

from tests.courseware.factories import UserFactory
from tests.courseware.mini_course import write_mini_course


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="teacher", is_staff=True)


@pytest.fixture
def mini_course_dir(tmp_path: Path) -> Path:
    """A small course folder (2 modules, 4 lessons, a quiz with every question type)."""
    return write_mini_course(tmp_path / "mini")
