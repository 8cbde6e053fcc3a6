"""The API in Chromium: a learner makes a personal token on the account page, a program uses
it, the learner revokes it; Swagger UI and Redoc render the live schema from this site's own
files, with no Content-Security-Policy violation and no request to another host."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.courseware.factories import PASSWORD, UserFactory

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> tuple[list[str], list[str]]:
    csp_errors: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("request", lambda request: requests.append(request.url))
    return csp_errors, requests


def test_a_learner_makes_uses_and_revokes_a_token(page, live_server) -> None:
    base = live_server.url
    UserFactory(username="coder")
    csp_errors, _ = _watch(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "coder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/accounts/")
    page.fill("#token-name", "notebook script")
    page.click("text=Create token")
    page.wait_for_load_state()
    secret = page.inner_text("#new-token")
    screenshot(page, "api-token-created")
    header = {"Authorization": f"Bearer {secret}"}
    used = page.request.get(f"{base}/api/courses/", headers=header)

    assert secret.startswith("academy_")
    assert used.status == 200
    assert used.json()["results"] == []
    page.goto(f"{base}/accounts/")
    assert secret not in page.content()
    page.click("text=Revoke")
    page.wait_for_load_state()
    refused = page.request.get(f"{base}/api/courses/", headers=header)
    assert refused.status == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "revoked" in page.inner_text("#tokens-title ~ table")
    assert csp_errors == []


def test_swagger_ui_and_redoc_render_from_this_site(page, live_server) -> None:
    base = live_server.url
    csp_errors, requests = _watch(page)

    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    screenshot(page, "api-swagger-ui")
    page.goto(f"{base}/api/redoc/")
    page.wait_for_selector("text=Academy API", timeout=30_000)
    page.wait_for_selector("text=/api/courses/", timeout=30_000)
    screenshot(page, "api-redoc")

    assert any(path.replace("\u200b", "") == "/api/courses/" for path in paths), paths
    # Redoc's sidebar links its maker's logo from their CDN: the policy blocks it, as it should,
    # and the page loses only that picture. Anything else refused would be a broken page.
    assert [error for error in csp_errors if REDOC_LOGO not in error] == []
    outside = [url for url in requests if not url.startswith((base, "data:", "blob:"))]
    assert [url for url in outside if url != REDOC_LOGO] == []
