"""Scale: the gradebook page and both exports run the same number of queries for 5 learners as
for 50 (each learner with reads, quiz attempts, exercise progress and graded submissions)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.gradebook.builder import add_learners
from tests.gradebook.conftest import client_of

PATHS = [
    "/courses/gb/teach/gradebook/",
    "/courses/gb/teach/gradebook/?sort=-total",
    "/courses/gb/teach/gradebook/?q=Learner&status=all&sort=cohort",
    "/courses/gb/teach/gradebook/export.csv",
    "/courses/gb/teach/gradebook/exercises/m1/ex1/submissions.csv",
]


def _queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(captured), body.count(b"\n")


@pytest.mark.parametrize("path", PATHS)
def test_queries_do_not_grow_with_learners(built, instructor, path) -> None:
    client = client_of(instructor)
    add_learners(built, count=5, prefix="first")
    few, few_lines = _queries(client, path)

    add_learners(built, count=45, prefix="second")
    many, many_lines = _queries(client, path)

    assert many == few
    assert many_lines > few_lines
