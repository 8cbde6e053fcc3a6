"""Scale: the dashboard runs the same number of queries for 5 learners as for 50, each with
reads, quiz attempts, exercise progress and graded submissions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.conftest import client_of
from tests.gradebook.builder import add_learners

PATHS = [
    "/courses/dash/dashboard/",
    "/courses/dash/dashboard/?days=1&failures=1&behind=5",
    "/courses/dash/dashboard/exercises/m1/ex1/submissions/",
    "/courses/dash/dashboard/exercises/m1/ex1/submissions/?latest=on&status=failed",
]


def _queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.count(b'class="heat heat-') + response.content.count(
        b'id="submission-'
    )


@pytest.mark.parametrize("path", PATHS)
def test_dashboard_queries_do_not_grow_with_learners(built, instructor, path) -> None:
    client = client_of(instructor)
    add_learners(built, count=5, prefix="first")
    few, few_cells = _queries(client, path)

    add_learners(built, count=45, prefix="second")
    many, many_cells = _queries(client, path)

    assert many_cells > few_cells
    assert many == few
