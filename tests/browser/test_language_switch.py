"""The language switcher in Chromium: a learner on the exercise page picks Español, and the page,
the code editor's own buttons (its search panel) and the draft status speak Spanish; the choice
is saved to their account."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Profile
from tests.browser.conftest import screenshot
from tests.browser.editor import editor_content
from tests.i18n.catalogs import compile_catalogs

pytestmark = [pytest.mark.browser, pytest.mark.integration]

EXERCISE = "/exercises/test-course/stable-softmax/"


@pytest.fixture(autouse=True)
def compiled_catalogs() -> None:
    compile_catalogs()


def test_the_switcher_turns_the_exercise_page_spanish(exercise, live_server, page) -> None:
    learner = get_user_model().objects.create_user("kay", password="a-long-password-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "kay")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{EXERCISE}")
    assert page.inner_text("#submit-graded") == "Submit for grading"

    page.select_option("#language-switch", "es")
    with page.expect_navigation():
        page.click("#language-submit")
    # Back on the same page, now in Spanish.
    assert page.url == f"{live_server.url}{EXERCISE}"
    assert page.get_attribute("html", "lang") == "es"
    assert page.inner_text("#submit-graded") == "Enviar para calificar"
    assert page.inner_text("#run-visible") == "Ejecutar las pruebas visibles"
    assert page.inner_text("#language-submit") == "Cambiar idioma"
    assert Profile.objects.get(user=learner).language == "es"

    # The editor's search panel, from the JavaScript catalog.
    content = editor_content(page)
    content.wait_for()
    content.click()
    page.keyboard.press("Control+f")
    panel = page.locator(".cm-search")
    panel.wait_for()
    assert panel.locator("button[name=next]").inner_text() == "siguiente"
    assert panel.locator("button[name=prev]").inner_text() == "anterior"
    assert panel.locator("button[name=close]").get_attribute("aria-label") == "cerrar"
    assert panel.locator("input[name=search]").get_attribute("placeholder") == "Buscar"
    screenshot(page, "exercise-page-spanish")
    page.keyboard.press("Escape")
    panel.wait_for(state="detached")

    # The draft status, written by the page's script.
    page.keyboard.type("\nx = 1")
    page.wait_for_function(
        "() => document.getElementById('draft-status').textContent"
        ".startsWith('Borrador guardado a las ')"
    )
