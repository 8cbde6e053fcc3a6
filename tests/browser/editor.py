"""Driving the exercise page's code editor (CodeMirror over a hidden textarea) from Playwright."""

from __future__ import annotations


def editor_content(page, grade_id: str = "answer"):
    """The editable element of the editor of one answer cell."""
    return page.locator(f'.cm-editor[data-for="code-{grade_id}"] .cm-content')


def fill_code(page, code: str, grade_id: str = "answer") -> None:
    """Replace an answer cell's code through its editor, as pasting would, and wait until the
    form's textarea (what the form posts) holds exactly that code."""
    editor_content(page, grade_id).fill(code)
    # A function, not an expression string: Playwright evaluates the latter with eval(), which
    # the page's CSP refuses.
    page.wait_for_function(
        "([id, code]) => document.getElementById(id).value === code", arg=[f"code-{grade_id}", code]
    )
