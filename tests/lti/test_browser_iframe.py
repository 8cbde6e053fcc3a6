"""Chromium opens the LMS's course page, Academy launches inside its iframe, the learner submits
an exercise there, the real worker grades it and the score arrives at the platform's AGS."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest

from lti.models import GradeSync
from lti.services.platforms import platform_register
from tests.browser.conftest import screenshot
from tests.browser.editor import fill_code
from tests.integration.conftest import exercise, worker  # noqa: F401 - shared fixtures
from tests.integration.test_grading_stack import RIGHT
from tests.lti.platform import LEARNER, LaunchSpec, LmsPlatform

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def same_site_platform(transactional_db: Any, live_server: Any) -> Iterator[LmsPlatform]:
    """The LMS on the tool's own site (localhost, another port): a browser keeps the tool's
    cookies in the iframe, as it does for an LMS and tool under one domain or over HTTPS with
    SameSite=None."""
    test_platform = LmsPlatform(live_server.url, host="localhost")
    test_platform.start()
    platform_register(**test_platform.tool_values())
    yield test_platform
    test_platform.stop()


def _wait_for_score(platform: Any, seconds: float = 90) -> list[Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if platform.scores:
            return list(platform.scores)
        time.sleep(0.2)
    raise AssertionError(f"no score reached the platform: {list(GradeSync.objects.values())}")


def test_a_learner_launched_in_an_iframe_submits_and_the_lms_gets_the_score(
    worker: Any,  # noqa: F811
    exercise: Any,  # noqa: F811
    same_site_platform: Any,
    browser: Any,
    settings: Any,
) -> None:
    platform = same_site_platform
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-ancestors"] = ["'self'", platform.url]
    settings.CONTENT_SECURITY_POLICY = policy
    platform.browser_spec = LaunchSpec(
        sub="s-1",
        roles=[LEARNER],
        custom={"academy_target": "exercise:test-course/basics/stable-softmax"},
    )
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{platform.url}/lms")
        frame = page.frame_locator("#tool")
        frame.locator("#code-answer").wait_for(state="attached")
        tool = next(f for f in page.frames if "/exercises/test-course/stable-softmax/" in f.url)
        screenshot(page, "lti-iframe-exercise")

        fill_code(tool, RIGHT)
        tool.click("#submit-graded")
        tool.wait_for_selector("#status[data-status=graded]", timeout=90_000)
        screenshot(page, "lti-iframe-graded")
    finally:
        context.close()

    scores = _wait_for_score(platform)
    assert [(s["userId"], s["scoreGiven"], s["scoreMaximum"]) for _, s in scores] == [
        ("s-1", 5.0, 5.0)
    ]
    assert GradeSync.objects.get().status == "sent"


def test_an_iframe_that_cannot_keep_cookies_offers_a_new_window_that_launches(
    exercise: Any,  # noqa: F811
    platform: Any,
    browser: Any,
    settings: Any,
) -> None:
    """The LMS on another site over plain http: the browser drops the tool's cookies in the
    iframe, so the login shows its new-window page, and the new window launches."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-ancestors"] = ["'self'", platform.url]
    settings.CONTENT_SECURITY_POLICY = policy
    platform.browser_spec = LaunchSpec(
        sub="s-2",
        roles=[LEARNER],
        custom={"academy_target": "exercise:test-course/basics/stable-softmax"},
    )
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{platform.url}/lms")
        link = page.frame_locator("#tool").locator("#lti-new-window-link")
        link.wait_for(state="visible")
        screenshot(page, "lti-iframe-new-window")
        with page.expect_popup() as popup_info:
            link.click()
        popup = popup_info.value
        popup.wait_for_url("**/exercises/test-course/stable-softmax/")
        assert "raise NotImplementedError()" in popup.input_value("#code-answer")
    finally:
        context.close()
