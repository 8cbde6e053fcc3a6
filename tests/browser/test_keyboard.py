"""Keyboard only: a learner takes a quiz (Tab, Shift+Tab, arrow keys, Space, Enter) and writes
and submits an exercise in the code editor (Tab indents there; Esc then Tab leaves it), and
every element that takes the focus on the way shows where the focus is."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from content.importer import course_import
from courseware.models import QuizAttempt
from tests.browser.pages import LEARNER, PASSWORD, assert_scored_full, logged_in_page
from tests.courseware.helpers import right_answers
from tests.courseware.mini_course import write_mini_course
from tests.grading.exercise_factory import make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# What the focused element shows: its own outline or box-shadow, or, for the code editor's
# editable area, the outline of the editor around it (CodeMirror draws the focus ring on its
# outer element, .cm-editor.cm-focused, as the site's stylesheet does for other controls).
_FOCUS_INDICATOR = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const drawn = (element) => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
  };
  const editor = focused.closest(".cm-editor");
  const shown = drawn(focused) || (editor !== null && drawn(editor));
  const name = focused.tagName.toLowerCase() + (focused.id ? "#" + focused.id : "")
    + (focused.name ? "[name=" + focused.name + "]" : "")
    + (focused.value && focused.type !== "text" ? "[value=" + focused.value + "]" : "")
    + " " + (focused.innerText || "").trim().slice(0, 40);
  return {name, shown};
}"""


def _press(page, key: str) -> dict:
    """Press a key and return what has the focus then, after checking that it shows it."""
    page.keyboard.press(key)
    # The editor marks itself focused a moment after its content takes the focus (CodeMirror
    # notices focus changes in its next update): wait up to a second for the indicator.
    try:
        page.wait_for_function(f"() => ({_FOCUS_INDICATOR})()?.shown === true", timeout=1_000)
    except PlaywrightTimeoutError:
        pass  # the assertion below says which element shows nothing
    focused = page.evaluate(_FOCUS_INDICATOR)
    assert focused is not None, f"nothing has the focus after {key}"
    assert focused["shown"], f"no visible focus indicator on {focused['name']} after {key}"
    return focused


def _tab_to(page, selector: str, key: str = "Tab", most: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching the selector has the focus."""
    for _ in range(most):
        _press(page, key)
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def _focused_matches(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def _answer_by_keyboard(page, attempt: QuizAttempt) -> None:
    answers = right_answers(attempt)
    for key in _question_order(page):
        answer = answers[key]
        name = f"q-{key}"
        if isinstance(answer, list):
            # Checkboxes: Tab to each, Space ticks the right ones.
            for value in _values(page, name):
                _tab_to(page, f'input[name="{name}"][value="{value}"]')
                if value in answer:
                    _press(page, "Space")
        elif attempt.option_order.get(key):
            # A radio group is one Tab stop; the arrow keys move the choice within it.
            _tab_to(page, f'input[name="{name}"]')
            for _ in range(len(_values(page, name)) + 1):
                if page.is_checked(f'input[name="{name}"][value="{answer}"]'):
                    break
                _press(page, "ArrowDown")
            assert page.is_checked(f'input[name="{name}"][value="{answer}"]')
        else:
            _tab_to(page, f'input[name="{name}"]')
            page.keyboard.type(repr(answer) if isinstance(answer, float) else str(answer))


def _question_order(page) -> list[str]:
    return page.eval_on_selector_all(
        "section.question", "(sections) => sections.map((section) => section.dataset.question)"
    )


def _values(page, name: str) -> list[str]:
    return page.eval_on_selector_all(
        f'input[name="{name}"]', "(inputs) => inputs.map((input) => input.value)"
    )


def test_a_quiz_by_keyboard_only(browser, live_server, tmp_path, transactional_db) -> None:
    course_import(path=write_mini_course(tmp_path / "course"))
    get_user_model().objects.create_user(LEARNER, password=PASSWORD)
    with logged_in_page(browser, live_server.url) as page:
        page.goto(f"{live_server.url}/courses/mini/modules/basics/quiz/")
        _tab_to(page, "main form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_url("**/attempts/*/")
        attempt = QuizAttempt.objects.get(user__username=LEARNER)
        _answer_by_keyboard(page, attempt)
        _tab_to(page, "button[value=submit]")
        # Back to "Save answers" and forward again: Shift+Tab walks the same stops backwards.
        _press(page, "Shift+Tab")
        assert _focused_matches(page, "button[value=save]")
        _press(page, "Tab")
        assert _focused_matches(page, "button[value=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/results/")
        assert "100%" in page.inner_text("main")
    assert_scored_full(attempt)


# The stable softmax, one line at a time: the indentation each line needs, and what to type.
SOFTMAX_LINES = [
    (0, "def softmax(x):"),
    (4, "shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))"),
    (4, "return shifted / shifted.sum(axis=-1, keepdims=True)"),
]


def _editor_text(page) -> str:
    return page.input_value("#code-answer")


def _indent_line_to(page, spaces: int) -> None:
    """Tab indents the line and Shift+Tab outdents it (the editor's keys), until the current
    line starts with that many spaces."""
    for _ in range(4):
        current = _editor_text(page).split("\n")[-1]
        indent = len(current) - len(current.lstrip(" "))
        if indent == spaces:
            return
        _press(page, "Tab" if indent < spaces else "Shift+Tab")
    raise AssertionError(f"could not indent the line to {spaces}: {_editor_text(page)!r}")


def test_an_exercise_by_keyboard_only(worker, browser, live_server, tmp_path) -> None:
    exercise = make_exercise(tmp_path)
    get_user_model().objects.create_user(LEARNER, password=PASSWORD)
    with logged_in_page(browser, live_server.url) as page:
        page.goto(f"{live_server.url}/exercises/test-course/{exercise.slug}/")
        page.wait_for_selector(".cm-editor")
        _tab_to(page, ".cm-content")
        _press(page, "Control+A")
        _press(page, "Backspace")
        assert _editor_text(page) == ""
        # Tab indents inside the editor: the focus stays where it is.
        _press(page, "Tab")
        assert _editor_text(page) == "    " and _focused_matches(page, ".cm-content")
        _press(page, "Shift+Tab")
        assert _editor_text(page) == ""
        for number, (spaces, line) in enumerate(SOFTMAX_LINES):
            if number:
                _press(page, "Enter")
            _indent_line_to(page, spaces)
            page.keyboard.type(line)
        expected = "".join(
            f"{' ' * spaces}{line}\n" for spaces, line in SOFTMAX_LINES
        ).removesuffix("\n")
        assert _editor_text(page) == expected
        # Esc, then Tab, moves on out of the editor instead of indenting.
        _press(page, "Escape")
        focused = _press(page, "Tab")
        assert not _focused_matches(page, ".cm-content"), focused
        assert _editor_text(page) == expected
        _tab_to(page, "#submit-graded")
        page.keyboard.press("Enter")
        page.wait_for_selector(
            "#status[data-status=graded], #status[data-status=failed]", timeout=90_000
        )
        assert "5 / 5" in page.inner_text("main")
