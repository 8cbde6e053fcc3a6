"""axe-core on every kind of page, in the light and the dark colour scheme: no serious or
critical violation anywhere, the exercise page with its results included."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.axe import CONTEXT_OPTIONS, serious_violations
from tests.browser.conftest import screenshot
from tests.browser.editor import fill_code
from tests.browser.pages import LEARNER, PASSWORD, every_page_kind, logged_in_page, visit_each
from tests.integration.test_grading_stack import RIGHT, WRONG

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_page_kind_has_a_serious_violation(
    worker, browser, live_server, tmp_path, color_scheme
) -> None:
    kinds = every_page_kind(tmp_path)
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, color_scheme=color_scheme, **CONTEXT_OPTIONS
    )
    try:
        page = context.new_page()
        found = {
            kind.name: violations
            for kind in visit_each(page, live_server.url, kinds)
            if (violations := serious_violations(page))
        }
        checked = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    finally:
        context.close()
    assert checked == (color_scheme == "dark")
    assert found == {}


EDITOR_BACKGROUNDS = {"light": "rgba(0, 0, 0, 0)", "dark": "rgb(22, 26, 33)"}


def test_the_exercise_page_with_a_result_in_both_schemes(
    worker, exercise, browser, live_server
) -> None:
    """The exercise page at its fullest (code in the editor, a graded submission in the
    history, the visible tests' result in place), checked and photographed in each scheme:
    var/screenshots/exercise-light.png and exercise-dark.png."""
    get_user_model().objects.create_user(LEARNER, password=PASSWORD)
    with logged_in_page(browser, live_server.url, **CONTEXT_OPTIONS) as page:
        url = f"{live_server.url}/exercises/test-course/{exercise.slug}/"
        page.goto(url)
        fill_code(page, RIGHT)
        page.click("#submit-graded")
        page.wait_for_selector("#status[data-status=graded]", timeout=90_000)
        page.goto(url)
        fill_code(page, WRONG)
        page.click("#run-visible")
        page.wait_for_selector("#practice #status[data-status=graded]", timeout=90_000)
        page.wait_for_function(
            "() => document.getElementById('run-announce').textContent.startsWith('Checked')"
        )
        assert "5 / 5" in page.inner_text("#history")
        found = {}
        for color_scheme, editor_background in EDITOR_BACKGROUNDS.items():
            page.emulate_media(color_scheme=color_scheme)
            # The editor follows the scheme too (One Dark on the site's dark code background),
            # from its media-query listener: wait for the switch before checking the page,
            # or the check sees the other scheme's editor on a loaded machine.
            page.wait_for_function(
                "background => getComputedStyle(document.querySelector('.cm-editor'))"
                ".backgroundColor === background",
                arg=editor_background,
                timeout=10_000,
            )
            screenshot(page, f"exercise-{color_scheme}")
            if violations := serious_violations(page):
                found[color_scheme] = violations
    assert found == {}
