"""The OpenAPI schema: it generates with no warning or error, validates as OpenAPI 3.1, and
matches the committed docs/openapi.yaml (`make schema` rewrites it); the docs pages are
served from this site under a policy that loads nothing from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_schema_generates_cleanly_and_matches_the_committed_copy(tmp_path, db) -> None:
    generated = tmp_path / "openapi.yaml"

    # --fail-on-warn raises on any warning or error of the generator; --validate checks the
    # result against the OpenAPI specification's JSON schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))

    assert generated.read_text() == COMMITTED.read_text(), (
        "The API's schema changed: run `make schema` and commit docs/openapi.yaml."
    )
    schema = yaml.safe_load(generated.read_text())
    assert schema["openapi"] == "3.1.0"
    assert set(schema["components"]["securitySchemes"]) == {"apiToken", "cookieAuth"}


def test_every_operation_documents_its_problems(db) -> None:
    schema = yaml.safe_load(COMMITTED.read_text())

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)


def test_the_live_schema_is_served(db) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Academy API"
    as_json = Client().get("/api/schema/?format=json")
    assert as_json.status_code == 200
    assert as_json.json()["openapi"] == "3.1.0"


def test_the_docs_pages_load_only_this_sites_files(db) -> None:
    client = Client()

    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "https://" not in page and "http://" not in page, url
        assert "<script>" not in page and "<style>" not in page, url
        # Directives by name: their order in the header is not part of the policy.
        policy = dict(
            (part.split()[0], part.split()[1:])
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], url
        for source in re.findall(r'(?:src|href)="(/static/[^"?]+)"', page):
            assert finders.find(source.removeprefix("/static/")), source
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_other_pages_keep_the_strict_style_policy(db) -> None:
    policy = Client().get("/accounts/login/")["Content-Security-Policy"]

    assert "'unsafe-inline'" not in policy


def test_an_unknown_api_path_is_a_problem_not_a_page(db) -> None:
    response = Client().get("/api/courses/mini/lessons/%C3%A7/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith(":not-found")
    assert Client().get("/no-such-page/")["Content-Type"].startswith("text/html")
