"""Fixtures for grading tests: the real bubblewrap sandbox and a softmax exercise notebook."""

import pytest
from django.conf import settings
from nbformat import NotebookNode

from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole
from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from sandbox.backends.bwrap import BwrapSandbox
from tests.courseware.factories import UserFactory
from tests.grading.notebook_factory import softmax_notebook


@pytest.fixture
def staff_user(db):
    """The grading tests' teaching staff: an instructor by role of every course the test has made
    so far (request it after the exercise fixture). Global is_staff grants no course pages."""
    user = UserFactory(username="teacher")
    for course in Course.objects.all():
        enrol_with_role(user_id=user.pk, course=course, role=CourseRole.INSTRUCTOR)
    return user


@pytest.fixture(scope="session")
def bwrap() -> BwrapSandbox:
    return BwrapSandbox(python=settings.SANDBOX_PYTHON)


@pytest.fixture(scope="session")
def softmax_source() -> NotebookNode:
    return softmax_notebook()


@pytest.fixture
def grade(bwrap: BwrapSandbox, softmax_source: NotebookNode):
    def _grade(
        code: str, source: NotebookNode | None = None, seconds: float = 10
    ) -> GradingOutcome:
        return grade_notebook(
            sandbox=bwrap,
            source=source if source is not None else softmax_source,
            answers={"answer": code},
            limits=GradingLimits(wall_seconds=seconds, memory_mb=512),
        )

    return _grade
