"""Watching a page for what the Content-Security-Policy blocked and for uncaught errors."""

from __future__ import annotations

# Runs before the page's own scripts in every document of the context (add_init_script).
WATCH = """
window.__violations = [];
window.__errors = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
window.addEventListener("error", (e) => { window.__errors.push(String(e.message)); });
"""


def assert_clean(page) -> None:
    """Nothing was blocked by the CSP and no script failed in the page's current document."""
    assert page.evaluate("window.__violations") == []
    assert page.evaluate("window.__errors") == []
