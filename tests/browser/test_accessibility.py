"""axe-core on every kind of page, in the light and the dark colour scheme: no serious or
critical violation anywhere."""

from __future__ import annotations

import pytest

from tests.browser.axe import CONTEXT_OPTIONS, serious_violations
from tests.browser.pages import every_page_kind, visit_each

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
