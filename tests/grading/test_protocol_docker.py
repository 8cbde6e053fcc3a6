"""The protocol's guarantees hold on the Docker backend too (cold and warm containers): only
output printed before the first hidden test is shown, a hostile answer is the learner's 0, and
callbacks from learner code into a test's spy work."""

from collections.abc import Iterator

import pytest
from nbformat import NotebookNode

from grading.notebooks import reference_answers
from grading.pipeline import GradingLimits, GradingOutcome, grade_notebook
from sandbox.backends.docker import DockerSandbox
from tests.docker_support import docker_sandbox
from tests.grading.notebook_factory import grade_cell
from tests.grading.test_hidden_output import PRINTING
from tests.grading.test_namespace_semantics import SPY, _squares_notebook
from tests.grading.test_protocol_bounds import ANSWER_ATTACKS, _as_answer

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module", params=["cold", "warm"])
def docker(request: pytest.FixtureRequest) -> Iterator[DockerSandbox]:
    sandbox = docker_sandbox(warm=request.param == "warm")
    yield sandbox
    sandbox.warm_pool.close()


def _grade(docker: DockerSandbox, source: NotebookNode, answers: dict[str, str]) -> GradingOutcome:
    return grade_notebook(
        sandbox=docker,
        source=source,
        answers=answers,
        limits=GradingLimits(wall_seconds=20, memory_mb=512),
    )


def test_only_visible_test_inputs_are_shown(docker, softmax_source) -> None:
    outcome = _grade(docker, softmax_source, {"answer": PRINTING})
    assert outcome.points == 5.0
    assert outcome.learner_output == "ARGS [1.0, 2.0, 3.0]\n"


def test_a_hostile_answer_is_the_learners_zero(docker, softmax_source) -> None:
    attack = _as_answer(ANSWER_ATTACKS["an array whose header lies"])
    outcome = _grade(docker, softmax_source, {"answer": attack})
    assert outcome.points == 0.0
    assert outcome.message.startswith("Your code sent the grader something it does not accept")


def test_a_spy_counts_the_learners_calls(docker) -> None:
    source = _squares_notebook(grade_cell(SPY, "test_spy", 1))
    outcome = _grade(docker, source, reference_answers(source))
    assert outcome.points == 1.0, outcome.cells[0].traceback
