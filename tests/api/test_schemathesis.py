"""schemathesis against the live schema (/api/schema/, as the running app serves it), with a
learner's and an instructor's personal token: no answer is a 5xx, every answer matches the
schema (status code documented, body and content type as documented).

Two phases: the examples phase (the schema's examples, the rest filled in, with the course's
real slugs and primary keys in the paths, so that requests reach real rows) and the stateful phase
(chains of calls along the links schemathesis infers from the schema, e.g. start an attempt,
then read, answer and submit it). Both are bounded by example and step counts so the file
adds well under two minutes; the counts of operations and cases it ran are printed at the
end of the run (tests/api/conftest.py).

The app is called in-process through WSGI inside the test's transaction: submissions made by
the run never reach the broker, so the run leaves nothing behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.config import SchemathesisConfig

from courseware.services import quiz_attempt_start
from grading.services import submission_create

pytestmark = pytest.mark.django_db(transaction=False)

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
CONFIG = """
[checks]
enabled = false
{checks}

[parameters]
"path.slug" = "mini"
"path.lesson_slug" = "first-steps"
"path.username" = "learner"

[phases.coverage]
enabled = false
[phases.fuzzing]
enabled = false
[phases.examples]
enabled = true
fill-missing = true
[phases.stateful]
enabled = true
max-steps = 8
"""
RUN: Counter[str] = Counter()
OPERATIONS: set[str] = set()


def _config() -> SchemathesisConfig:
    checks = "\n".join(f"{name}.enabled = true" for name in CHECKS)
    return SchemathesisConfig.from_str(CONFIG.format(checks=checks))


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: the end of a request must not close the test's database
    connection (and with it the transaction that holds the test's rows)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The schema as the app serves it at /api/schema/ (read once, when the tests are collected).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=_config())


@pytest.fixture
def api_schema(people, tokens) -> Any:
    return schema


@pytest.fixture
def real_ids(people, course, exercise) -> dict[str, int]:
    """The primary key that an example's `id` takes, by the path it is in: the course's real
    quiz, lesson and exercise, and the learner's attempt and submission."""
    quiz = course.modules.get(slug="basics").quiz
    attempt, _ = quiz_attempt_start(user_id=people["learner"].pk, quiz=quiz)
    submission = submission_create(
        user=people["learner"], exercise=exercise, code={"answer": "def softmax(x):\n    x\n"}
    )
    return {
        "/api/quizzes/": quiz.pk,
        "/api/attempts/": attempt.pk,
        "/api/lessons/": course.lessons.get(slug="first-steps").pk,
        "/api/grading/exercises/": exercise.pk,
        "/api/grading/submissions/": submission.pk,
    }


@schema.parametrize()
@hypothesis.settings(
    max_examples=3,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_examples_phase(case, tokens, real_ids) -> None:
    OPERATIONS.add(f"{case.method} {case.path}")
    for name in ("id", "quiz_pk"):
        if name in (case.path_parameters or {}):
            prefix = next(prefix for prefix in real_ids if case.path.startswith(prefix))
            case.path_parameters[name] = real_ids[prefix]
    for role in ("learner", "instructor"):
        RUN["examples"] += 1
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"})


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_stateful_phase(api_schema, role, tokens) -> None:
    header = {"Authorization": f"Bearer {tokens[role]}"}

    class Machine(api_schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            case.headers = {**(case.headers or {}), **header}
            RUN["stateful"] += 1
            OPERATIONS.add(f"{case.method} {case.path}")

    Machine.run(
        settings=hypothesis.settings(
            max_examples=40,
            stateful_step_count=8,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
