"""Fixtures for grading tests: the real bubblewrap sandbox and a softmax exercise notebook."""

import pytest
from django.conf import settings
from nbformat import NotebookNode

from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from sandbox.backends.bwrap import BwrapSandbox
from tests.grading.notebook_factory import softmax_notebook


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
