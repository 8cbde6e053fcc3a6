"""While the database cannot be reached (a restart, a failover) a page answers 503 with a
Retry-After and says plainly that the request was not completed, not a bare 500; other errors
stay 500. The database is the real one, made unreachable for one request by pointing this
process's connection at a port nobody listens on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests.integration.private_services import free_port


@contextmanager
def database_unreachable() -> Iterator[None]:
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_503_with_retry_after_while_the_database_is_unreachable(settings) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/", HTTP_ACCEPT="text/html")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "was not completed" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_json_caller_gets_the_same_answer_as_json(settings) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/", HTTP_ACCEPT="application/json")
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "was not completed" in response.json()["error"]


def test_any_other_error_is_the_usual_500(rf) -> None:
    from config.errors import server_error

    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/"))
    assert (response.status_code, response.has_header("Retry-After")) == (500, False)
