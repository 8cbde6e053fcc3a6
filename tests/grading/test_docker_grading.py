"""The two-sandbox grading, once through the Docker backend: the pipeline's line-by-line
conversation with two long-lived containers gives the same verdicts as with bubblewrap."""

from collections.abc import Iterator

import pytest
from nbformat import NotebookNode

from grading.notebooks import reference_answers
from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from sandbox.backends.docker import DockerSandbox
from tests.docker_support import docker_sandbox

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module", params=["cold", "warm"])
def docker(request: pytest.FixtureRequest) -> Iterator[DockerSandbox]:
    """Fresh containers, and pre-warmed ones (each job waits for one to be ready)."""
    sandbox = docker_sandbox(warm=request.param == "warm")
    yield sandbox
    sandbox.warm_pool.close()


def _grade(docker: DockerSandbox, source: NotebookNode, code: str) -> GradingOutcome:
    return grade_notebook(
        sandbox=docker,
        source=source,
        answers={"answer": code},
        limits=GradingLimits(wall_seconds=20, memory_mb=512),
    )


def test_reference_scores_full(docker: DockerSandbox, softmax_source: NotebookNode) -> None:
    outcome = _grade(docker, softmax_source, reference_answers(softmax_source)["answer"])
    assert (outcome.points, outcome.max_points) == (5.0, 5.0)
    assert [cell.passed for cell in outcome.cells] == [True, True, True]
    assert outcome.cells[0].output == "visible test ran\n"


def test_exiting_early_scores_zero(docker: DockerSandbox, softmax_source: NotebookNode) -> None:
    outcome = _grade(docker, softmax_source, "import os\nos._exit(0)\n")
    assert (outcome.points, outcome.max_points) == (0.0, 5.0)
    assert "exited before the tests" in outcome.message
