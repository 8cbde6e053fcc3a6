"""Every page kind on a 375 px phone and at 200% zoom (a 1280 px screen zoomed to 200% lays
out in 640 CSS px): the page never scrolls sideways; a wide table scrolls inside its own
frame. And without JavaScript a learner still reads a lesson and takes a quiz."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from content.importer import course_import
from courseware.models import QuizAttempt
from tests.browser.pages import (
    LEARNER,
    PASSWORD,
    assert_scored_full,
    every_page_kind,
    logged_in_page,
    visit_each,
)
from tests.courseware.helpers import answer_quiz
from tests.courseware.mini_course import write_mini_course

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# How far the page reaches sideways, and the element reaching furthest past the viewport that
# no scrolling box clips (for the failure message).
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null;
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    if (right > width + 1 && !clipped(element) && (widest === null || right > widest.right)) {
      const classes = typeof element.className === "string" && element.className
        ? "." + element.className.trim().split(/\\s+/).join(".") : "";
      widest = {right, element: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + classes};
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, widest};
}"""


@pytest.mark.parametrize(
    "viewport, scale",
    [({"width": 375, "height": 740}, 3), ({"width": 640, "height": 450}, 2)],
    ids=["phone-375px", "zoom-200pct"],
)
def test_no_page_kind_scrolls_sideways(worker, browser, live_server, tmp_path, viewport, scale):
    kinds = every_page_kind(tmp_path)
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    try:
        page = context.new_page()
        wide = {}
        for kind in visit_each(page, live_server.url, kinds):
            measured = page.evaluate(_OVERFLOW)
            if measured["scrollWidth"] > viewport["width"]:
                wide[kind.name] = measured
    finally:
        context.close()
    assert wide == {}


def test_without_javascript_a_lesson_is_read_and_a_quiz_taken(
    browser, live_server, tmp_path, transactional_db
) -> None:
    course_import(path=write_mini_course(tmp_path / "course"))
    get_user_model().objects.create_user(LEARNER, password=PASSWORD)
    with logged_in_page(browser, live_server.url, java_script_enabled=False) as page:
        page.goto(f"{live_server.url}/courses/mini/lessons/first-steps/")
        assert page.locator("h1").first.inner_text() == "First Steps"
        page.click("button:has-text('Mark as read and continue')")
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text() == "Variational Autoencoders (VAEs)"

        page.goto(f"{live_server.url}/courses/mini/modules/basics/quiz/")
        page.click("main button:has-text('Start')")
        page.wait_for_url("**/attempts/*/")
        attempt = QuizAttempt.objects.get(user__username=LEARNER)
        answer_quiz(page, attempt)
        page.click("button[value=submit]")
        page.wait_for_url("**/results/")
        assert "100%" in page.inner_text("main")
    assert_scored_full(attempt)
