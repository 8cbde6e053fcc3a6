"""The exercise page's code editor in Chromium, as a keyboard user: CodeMirror over the answer
textarea (styled under the page's CSP, with no violation), Tab indents and Esc then Tab leaves,
search and bracket matching, themes following the system; the draft survives a reload; and the
submission's result appears on its page without a navigation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from grading.models import Draft
from tests.browser.conftest import screenshot
from tests.browser.editor import editor_content, fill_code
from tests.browser.watch import WATCH, assert_clean
from tests.integration.test_grading_stack import RIGHT

pytestmark = [pytest.mark.browser, pytest.mark.integration]

EXERCISE = "/exercises/test-course/stable-softmax/"


def _log_in(page, live_server) -> None:
    get_user_model().objects.create_user("kay", password="a-long-password-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "kay")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("form [type=submit]")
    page.wait_for_load_state()


BACKGROUND = "getComputedStyle(document.querySelector('.cm-editor')).backgroundColor"


def _background(page) -> str:
    return page.evaluate(BACKGROUND)


def test_editor_keyboard_draft_and_live_result(worker, exercise, live_server, page) -> None:
    page.context.add_init_script(WATCH)
    page.emulate_media(color_scheme="light")
    _log_in(page, live_server)
    page.goto(f"{live_server.url}{EXERCISE}")

    # The editor replaced the textarea, and CodeMirror's own styles applied (its base theme makes
    # the editor a flex box): the nonce let its <style> elements in.
    content = editor_content(page)
    content.wait_for()
    assert_clean(page)
    assert page.is_hidden("#code-answer")
    assert page.evaluate("getComputedStyle(document.querySelector('.cm-editor')).display") == "flex"
    assert page.locator(".cm-lineNumbers .cm-gutterElement").filter(has_text="3").count() == 1
    assert content.get_attribute("aria-labelledby") == "code-answer-label"
    assert content.get_attribute("aria-describedby") == "editor-help"
    assert page.is_visible("#editor-help")
    # Python highlighting: the keyword `def` is its own styled token.
    keyword = page.locator(".cm-line span", has_text="def").first
    assert keyword.evaluate("e => getComputedStyle(e).color") != page.evaluate(
        "getComputedStyle(document.querySelector('.cm-line')).color"
    )
    assert_clean(page)

    # Themes follow the system, live.
    light = _background(page)
    screenshot(page, "code-editor-light")
    page.emulate_media(color_scheme="dark")
    # One Dark on the site's dark code background (#161a21), where its colours pass 4.5:1.
    page.wait_for_function(f"() => {BACKGROUND} === 'rgb(22, 26, 33)'")
    screenshot(page, "code-editor-dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_function(f"() => {BACKGROUND} === '{light}'")

    # Typing: Tab indents (and keeps focus in the editor), brackets match.
    content.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("def softmax(x):")
    page.keyboard.press("Enter")  # the next line is indented by the language
    page.keyboard.type("pass")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")  # back to the margin
    page.keyboard.press("Tab")
    page.keyboard.type("y = (1)")
    assert page.input_value("#code-answer") == "def softmax(x):\n    pass\n    y = (1)"
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert page.locator(".cm-matchingBracket").count() == 2

    # Search: Ctrl+F opens the panel, Esc closes it and returns to the text.
    page.keyboard.press("Control+f")
    page.locator(".cm-search input[name=search]").wait_for()
    page.keyboard.press("Escape")
    page.locator(".cm-search").wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")

    # Esc then Tab leaves the editor for the next control ("Run the visible tests"), unchanged.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run the visible tests"
    assert page.input_value("#code-answer") == "def softmax(x):\n    pass\n    y = (1)"

    # The draft is saved a moment after typing stops, and a reload opens with it.
    page.wait_for_function(
        "() => document.getElementById('draft-status').textContent.startsWith('Draft saved at ')"
    )
    assert page.get_attribute("#draft-status", "role") == "status"
    assert Draft.objects.get(user__username="kay").code == {
        "answer": "def softmax(x):\n    pass\n    y = (1)"
    }
    page.reload()
    editor_content(page).wait_for()
    assert page.input_value("#code-answer") == "def softmax(x):\n    pass\n    y = (1)"
    assert editor_content(page).inner_text() == "def softmax(x):\n    pass\n    y = (1)"

    # Submit; the result appears on the submission page in place, with no navigation.
    # (The worker waits until the page is up, or a quick grading could finish before it.)
    fill_code(page, RIGHT)
    with worker.paused():
        page.click("#submit-graded")
        page.wait_for_selector("#run-live[data-status-url]")
        assert page.get_attribute("#status", "data-status") == "queued"
        assert_clean(page)
        navigations: list[str] = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.evaluate("window.__marker = 'still here'")
    page.wait_for_selector("#status[data-status=graded]", timeout=90_000)
    assert page.evaluate("window.__marker") == "still here"
    assert navigations == []
    assert page.inner_text("#score") == "5 / 5 points"
    assert page.inner_text("#run-announce") == "Graded: 5 / 5 points"
    assert page.get_attribute("#run-announce", "aria-live") == "polite"
    assert_clean(page)
    screenshot(page, "code-editor-result-in-place")


def test_a_long_grading_shows_its_time_and_limit(worker, exercise, live_server, page) -> None:
    """The learner's code sleeps past the page's threshold (5 s): the running time and the
    exercise's limit (8 s) are shown while it runs, then the result replaces them."""
    page.context.add_init_script(WATCH)
    _log_in(page, live_server)
    page.goto(f"{live_server.url}{EXERCISE}")
    editor_content(page).wait_for()
    fill_code(page, "import time\ntime.sleep(6.5)\n" + RIGHT)
    page.click("#submit-graded")
    elapsed = page.locator("#run-elapsed")
    elapsed.wait_for(state="visible", timeout=60_000)
    assert re.fullmatch(r"Running for [5-7] s \(time limit 8 s\)\.", elapsed.inner_text())
    page.wait_for_selector("#status[data-status=graded]", timeout=90_000)
    assert page.inner_text("#score") == "5 / 5 points"
    assert elapsed.is_hidden()
    assert_clean(page)


def test_without_javascript_the_textarea_and_refresh_still_work(
    worker, exercise, live_server, browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server)
        page.goto(f"{live_server.url}{EXERCISE}")
        assert page.locator(".cm-editor").count() == 0
        assert page.is_hidden("#editor-help")  # its Tab advice is for the editor only
        assert "raise NotImplementedError()" in page.input_value("#code-answer")
        page.fill("#code-answer", RIGHT)
        page.click("#submit-graded")
        # The page reloads itself (a <noscript> meta refresh) until the grading ends.
        page.wait_for_selector("#status[data-status=graded]", timeout=90_000)
        assert page.inner_text("#score") == "5 / 5 points"
    finally:
        context.close()
