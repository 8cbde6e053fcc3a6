"""schemathesis against the live schema (/api/schema/, as the running app serves it), with a
learner's and an instructor's personal token: no answer is a 5xx, every answer matches the
schema (status code documented, body and content type as documented).

Two phases: the examples phase (the schema's examples, the rest filled in, the course's real
slugs given as parameter values so that requests reach real rows) and the stateful phase
(chains of calls along the links schemathesis infers from the schema, e.g. start an attempt,
then read, answer and submit it). Both are bounded by example and step counts so the file
adds well under two minutes; the counts of operations and cases it ran are printed.

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


@pytest.fixture(scope="module", autouse=True)
def report(pytestconfig) -> Iterator[None]:
    """Says what the run covered, on the terminal even when output is captured."""
    yield
    line = (
        f"schemathesis: {len(OPERATIONS)} operations, {RUN['examples']} example cases, "
        f"{RUN['stateful']} stateful calls"
    )
    reporter = pytestconfig.pluginmanager.getplugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\n{line}")


@schema.parametrize()
@hypothesis.settings(
    max_examples=3, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_examples_phase(case, people, tokens) -> None:
    OPERATIONS.add(f"{case.method} {case.path}")
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
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
