"""The pages a visitor meets when something is not there, not allowed or broken are the site's
own: its header, a heading that says what happened, a way back, in the visitor's language.
Django's bare defaults ("Not Found", no lang, no way back) are never what a learner sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.views.defaults import permission_denied

from config.errors import server_error


@pytest.mark.django_db
def test_an_unknown_address_answers_the_sites_404_page() -> None:
    response = Client().get("/courses/no-such-course/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in page
    assert "<h1>Page not found</h1>" in page
    assert 'class="brand" href="/"' in page
    assert '<a href="/">Go to your courses</a>' in page
    assert "The requested resource was not found on this server" not in page


@pytest.mark.django_db
def test_the_404_page_speaks_the_visitors_language() -> None:
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="es">' in page
    assert "<h1>Página no encontrada</h1>" in page


@pytest.mark.django_db
def test_an_unknown_api_path_still_answers_json() -> None:
    response = Client().get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_a_refusal_offers_a_visitor_the_log_in(rf) -> None:
    request = rf.get("/somewhere/private/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in page
    assert 'href="/accounts/login/?next=/somewhere/private/"' in page


def test_the_500_page_is_the_sites_and_needs_no_database(rf) -> None:
    """Not marked django_db: a query here would fail the test. The page reads no user either
    (Django renders it without a request, since the error may be the database's)."""
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in page
    assert "<h1>Something went wrong</h1>" in page
    assert '<a href="/">Go to your courses</a>' in page
