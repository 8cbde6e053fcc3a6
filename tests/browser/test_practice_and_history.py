"""A learner in Chromium runs the visible tests (the result appears in place, no reload),
submits twice, compares the two submissions and restores the older one into the editor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from grading.models import PracticeRun, Submission
from tests.browser.conftest import screenshot
from tests.browser.editor import editor_content, fill_code
from tests.integration.test_grading_stack import RIGHT, WRONG

pytestmark = [pytest.mark.browser, pytest.mark.integration]
EXERCISE = "/exercises/test-course/stable-softmax/"
RETURNS_INPUT = "def softmax(x):\n    return x\n"
FINISHED = "#status[data-status=graded], #status[data-status=failed]"


def _log_in(page, live_server) -> None:
    get_user_model().objects.create_user("lin", password="a-long-password-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "lin")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("form [type=submit]")
    page.wait_for_load_state()


def _submit(page, live_server, code: str) -> None:
    page.goto(f"{live_server.url}{EXERCISE}")
    fill_code(page, code)
    page.click("#submit-graded")
    page.wait_for_selector(FINISHED, timeout=90_000)


def test_run_visible_tests_submit_compare_and_restore(worker, exercise, live_server, page):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}{EXERCISE}")
    assert page.inner_text("#practice").strip().endswith("Not run yet.")

    # The visible tests: the result appears in place, on the same page (no reload, no new URL).
    fill_code(page, RETURNS_INPUT)
    page.evaluate("() => { window.stillHere = true; }")
    page.click("#run-visible")
    page.wait_for_selector(f"#practice :is({FINISHED})", timeout=90_000)
    assert page.evaluate("() => window.stillHere === true")
    assert page.url == f"{live_server.url}{EXERCISE}"
    practice = page.inner_text("#practice")
    assert "0 / 1 points on the visible tests" in practice and "test_small" in practice
    assert "test_large_logits" not in practice
    page.wait_for_function(
        "() => document.getElementById('run-announce').textContent.startsWith('Checked')"
    )
    screenshot(page, "exercise-practice-light")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "exercise-practice-dark")
    page.emulate_media(color_scheme="light")
    assert PracticeRun.objects.get().points == 0.0
    assert Submission.objects.count() == 0

    # Two graded submissions.
    _submit(page, live_server, WRONG)
    assert "3 / 5" in page.inner_text("main")
    _submit(page, live_server, RIGHT)
    assert "5 / 5" in page.inner_text("main")
    older, newer = Submission.objects.order_by("pk")

    # Compare them: the two newest are chosen already.
    page.goto(f"{live_server.url}{EXERCISE}")
    assert "Submit to be graded" not in page.inner_text("#history")
    page.click("#compare-button")
    page.wait_for_selector("table.diff")
    assert page.locator("h1").inner_text() == f"Changes from submission {older.pk} to {newer.pk}"
    assert page.locator("tr.diff-removed").count() == 1
    assert page.locator("tr.diff-added").count() == 3
    screenshot(page, "compare-submissions")

    # Restore the older one: the editor opens with its code.
    page.click(f"text=Restore submission {older.pk} into the editor")
    page.wait_for_url(f"{live_server.url}{EXERCISE}#submit")
    editor_content(page).wait_for()
    assert page.input_value("#code-answer") == WRONG
    assert f"The code of submission {older.pk} is back in the editor" in page.inner_text("main")


def test_without_javascript_the_visible_tests_still_run(worker, exercise, live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server)
        page.goto(f"{live_server.url}{EXERCISE}")
        page.fill("#code-answer", RIGHT)
        page.click("#run-visible")
        # The page comes back with the queued run and refreshes itself until it is checked.
        page.wait_for_selector("#practice #status[data-status=graded]", timeout=90_000)
        assert "1 / 1 points on the visible tests" in page.inner_text("#practice")
        assert page.input_value("#code-answer") == RIGHT  # the code run is kept as the draft
        assert Submission.objects.count() == 0
    finally:
        context.close()
