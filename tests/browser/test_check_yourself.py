"""A lesson's "check yourself" in Chromium, with JavaScript (answered on the page, no reload)
and without it (the plain form posts and the lesson comes back with the feedback)."""

from __future__ import annotations

import pytest

from content.importer import course_import
from tests.browser.conftest import screenshot
from tests.courseware.lesson_extras_course import write_extras

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON = "/courses/mini/lessons/first-steps/"


def test_check_yourself_answers_on_the_page_without_a_reload(
    browser, live_server, mini_course_dir, page
):
    course_import(path=write_extras(mini_course_dir))
    navigations: list[str] = []
    page.goto(f"{live_server.url}{LESSON}")
    page.wait_for_load_state("load")
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    # A marker on the window survives only if the page is never reloaded.
    page.evaluate("window.__sameDocument = 'yes'")

    first = page.locator("#check-1")
    second = page.locator("#check-2")
    first.get_by_label("So that the code needs fewer numbers").check()
    second.get_by_label("A variational autoencoder").check()
    second.get_by_label("A GAN").check()
    page.click("button:has-text('Check my answers')")

    first_feedback = first.locator("[data-feedback]")
    first_feedback.get_by_text("✗ Not quite.").wait_for()
    assert first_feedback.get_attribute("aria-live") == "polite"
    assert "CHECK-ONE-EXPLANATION" in first_feedback.inner_text()
    right = first.locator("label", has_text="So that gradients can reach mu and sigma")
    assert right.locator("[data-verdict]").inner_text() == "(right answer)"
    wrong = first.locator("label", has_text="So that the code needs fewer numbers")
    assert wrong.locator("[data-verdict]").inner_text() == "(not right)"
    assert "✓ Correct." in second.locator("[data-feedback]").inner_text()
    assert "CHECK-TWO-EXPLANATION" in second.locator("[data-feedback]").inner_text()

    # Try again: the verdict follows the new answer.
    first.get_by_label("So that gradients can reach mu and sigma").check()
    page.click("button:has-text('Check my answers')")
    first_feedback.get_by_text("✓ Correct.").wait_for()
    assert (
        first.locator("label", has_text="fewer numbers").locator("[data-verdict]").inner_text()
        == ""
    )
    screenshot(page, "check-yourself-js")

    assert page.evaluate("window.__sameDocument") == "yes"
    assert navigations == []
    assert page.url == f"{live_server.url}{LESSON}"


def test_check_yourself_without_javascript_posts_and_shows_the_feedback(
    browser, live_server, mini_course_dir
):
    course_import(path=write_extras(mini_course_dir))
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_server.url}{LESSON}")
        page.locator("#check-1").get_by_label("So that gradients can reach mu and sigma").check()
        page.locator("#check-2").get_by_label("Logistic regression").check()
        page.click("button:has-text('Check my answers')")
        page.wait_for_url(f"{live_server.url}{LESSON}check/#check-yourself")

        first = page.locator("#check-1 [data-feedback]").inner_text()
        second = page.locator("#check-2 [data-feedback]").inner_text()
        assert "✓ Correct." in first and "CHECK-ONE-EXPLANATION" in first
        assert "✗ Not quite." in second and "CHECK-TWO-EXPLANATION" in second
        assert page.locator("#check-2 input[value='1']").is_checked()
        assert page.locator("h1").inner_text() == "First Steps"
        screenshot(page, "check-yourself-no-js")
    finally:
        context.close()
