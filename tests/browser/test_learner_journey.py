"""Issue 12's "done when", in Chromium, as a new learner of a one-module course (a lesson, a
quiz, an exercise): signs up, resets the password from the e-mail it receives, logs in with the
new one, reads the lesson, takes the quiz, types a solution into the code editor with Tab
indentation, runs the visible tests, submits and watches the result appear without a reload,
submits a fix and compares the two submissions, and so finishes the course: the certificate is
issued when the last requirement is met, and its verification URL opened logged out (a fresh
browser context) shows the name, the course, the date and the result.

Everything is real: the live server in this process (the password-reset mail lands in
django.core.mail.outbox), a Celery worker process, the bubblewrap sandbox. No page breaks its
Content-Security-Policy, typing into CodeMirror included.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from django.utils import timezone
from django.utils.formats import date_format

from certificates.models import Certificate
from content.importer import course_import
from grading.models import PracticeRun, Submission
from tests.browser.accounts import sign_up_and_reset_the_password
from tests.browser.conftest import screenshot
from tests.browser.editor import editor_content
from tests.browser.watch import WATCH, assert_clean
from tests.grading.notebook_factory import grade_cell, softmax_notebook

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SIGNUP_PASSWORD = "first-long-password-1"
NEW_PASSWORD = "second-long-password-2"
EXERCISE = "/exercises/journey/stable-softmax/"
FINISHED = "#status[data-status=graded], #status[data-status=failed]"

# Right for moderate logits, but exp overflows for logits near 1000: it passes the first visible
# test and fails the second (with a long assertion message) and the hidden one on large logits.
OVERFLOWING = "def softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)"
# Two levels of indentation, each of them typed with Tab.
STABLE = (
    "def softmax(x):\n"
    "    x = np.asarray(x, dtype=float)\n"
    "    if x.ndim == 0:\n"
    "        return np.ones_like(x)\n"
    "    shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
    "    return shifted / shifted.sum(axis=-1, keepdims=True)"
)

COURSE_YAML = """\
slug: journey
title: A Short Journey
description: One lesson, one quiz, one exercise.
modules:
  - slug: start
    title: Getting Started
    lessons:
      - slug: softmax
        file: lessons/softmax.md
    quiz: quizzes/start.yaml
    exercises: [stable-softmax]
"""

LESSON = """\
---
title: The Softmax
---
The softmax turns scores into probabilities. Subtract the maximum score first: the result is
the same and `np.exp` cannot overflow.
"""

QUIZ_YAML = """\
title: Softmax quiz
questions_per_attempt: 2
max_attempts: null
cooldown_minutes: 0
questions:
  - id: why-subtract
    type: single
    prompt: Why subtract the maximum before taking exponentials?
    options:
      - {id: a, text: "So that exp cannot overflow", correct: true}
      - {id: b, text: "To change the result"}
      - {id: c, text: "To make it slower"}
    explanation: The largest exponent becomes exp(0) = 1, so nothing overflows.
    lesson: softmax
  - id: sum
    type: numeric
    prompt: What do the probabilities of one row add up to?
    answer: 1
    tolerance: {absolute: 0.001}
    explanation: A row of probabilities adds up to 1.
    lesson: softmax
"""


# A visible test whose failure message is long: it must wrap on the result page.
NO_OVERFLOW_TEST = (
    "big = np.array([1000.0, 1001.0, 1002.0])\n"
    "np.testing.assert_allclose(softmax(big), [0.09003057, 0.24472847, 0.66524096], rtol=1e-6,\n"
    "    err_msg='softmax of logits near 1000 should equal softmax([1.0, 2.0, 3.0]), because '\n"
    "    'subtracting the same number from every logit does not change a softmax; '\n"
    "    'nan or inf here means np.exp overflowed: subtract the maximum logit first')"
)


def _exercise_notebook() -> nbformat.NotebookNode:
    """The softmax exercise of the grading tests (one visible test, two hidden ones) with a
    second visible test: 6 points in all, 2 of them visible."""
    notebook = softmax_notebook()
    visible = next(
        number
        for number, cell in enumerate(notebook.cells)
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_small"
    )
    notebook.cells.insert(visible + 1, grade_cell(NO_OVERFLOW_TEST, "test_no_overflow", 1))
    return notebook


def _write_course(root: Path) -> Path:
    (root / "lessons").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (root / "lessons" / "softmax.md").write_text(LESSON, encoding="utf-8")
    (root / "quizzes" / "start.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    exercise = root / "exercises" / "stable-softmax"
    exercise.mkdir(parents=True)
    nbformat.write(_exercise_notebook(), str(exercise / "source.ipynb"))
    meta = {"title": "Stable softmax", "lesson": "softmax", "limits": {"wall_seconds": 20}}
    (exercise / "exercise.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return root


def _type_with_tabs(page, code: str) -> None:
    """Type `code` into the editor as a learner does, line by line: whatever indentation the
    editor offers on a new line is taken back (Shift+Tab), and each level is typed with Tab."""
    content = editor_content(page)
    content.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for number, line in enumerate(code.split("\n")):
        if number:
            page.keyboard.press("Enter")
            for _ in range(3):
                page.keyboard.press("Shift+Tab")
        text = line.lstrip(" ")
        for _ in range((len(line) - len(text)) // 4):
            page.keyboard.press("Tab")
        page.keyboard.type(text)
    # Tab indented and kept the focus in the editor; the form's textarea holds the code.
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.wait_for_function(
        "(code) => document.getElementById('code-answer').value === code", arg=code
    )


def _submit_and_watch(page, base: str, worker) -> str:
    """Submit the editor's code; on the submission page the result appears in place: no
    navigation between the queued page and the graded one. The worker is paused until the
    page is up, or a quick grading could finish before the page is rendered."""
    with worker.paused():
        page.click("#submit-graded")
        page.wait_for_url(re.compile(rf"{re.escape(base)}{EXERCISE}submissions/\d+/$"))
        page.wait_for_selector("#run-live[data-status-url]")
        assert page.get_attribute("#status", "data-status") == "queued"
        navigations: list[str] = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.evaluate("() => { window.__marker = 'still here'; }")
    page.wait_for_selector(FINISHED, timeout=90_000)
    assert page.evaluate("() => window.__marker") == "still here"
    assert navigations == []
    assert_clean(page)
    return str(page.inner_text("#score"))


def _continue(page, base: str, next_step: str) -> None:
    """Follow the course page's "continue with ..." link, which must say `next_step`."""
    page.goto(f"{base}/courses/journey/")
    assert page.inner_text("#next-step").startswith(next_step)
    page.click("#next-step a")
    page.wait_for_load_state()


def _long_message_wraps_at_375_px(page, within: str) -> None:
    """At 375 px nothing is wider than the screen: the result table fits, and the failed
    visible test's long assertion message wraps over several lines inside it."""
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        table = page.locator(f"{within} table.tests").bounding_box()
        assert table is not None and table["x"] + table["width"] <= 375
        message = page.locator(f"{within} table.tests pre.output", has_text="np.exp overflowed")
        assert "subtract the maximum logit first" in message.inner_text()
        box = message.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375
        assert message.evaluate("e => e.scrollWidth <= e.clientWidth")
        line_height = message.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box["height"] > 4 * line_height
        screenshot(page, f"journey-result-375-{within.lstrip('#')}")
    finally:
        page.set_viewport_size({"width": 1200, "height": 900})


def test_a_new_learner_walks_the_course_to_a_verified_certificate(
    browser, worker, live_server, page, tmp_path
) -> None:
    course_import(path=_write_course(tmp_path / "journey"))
    base = live_server.url
    page.context.add_init_script(WATCH)
    # Errors in the console (a CSP refusal is one, a missing favicon another).
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"{message.text} {message.location}")
            if message.type == "error"
            else None
        ),
    )

    # Sign up with an e-mail address, log out, forget the password and reset it from the link
    # in the e-mail; log in with the new one.
    sign_up_and_reset_the_password(
        page,
        base,
        username="ada",
        email="ada@example.org",
        first_password=SIGNUP_PASSWORD,
        new_password=NEW_PASSWORD,
    )

    # The name the certificate will carry.
    page.goto(f"{base}/accounts/")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.click("main form[action='/accounts/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".message--success").inner_text() == "Your account is saved."

    # The module says what completing it takes; the course page where to start: the lesson.
    page.goto(f"{base}/courses/journey/modules/start/")
    requirements = page.inner_text("ul.requirements")
    assert "Read the lesson: 0 read" in requirements
    assert "Score at least 60% on the quiz: not taken yet" in requirements
    assert "Pass the exercise (at least 100% of its points): 0 passed" in requirements
    assert "0 of 3 steps done." in requirements
    _continue(page, base, "Continue with “The Softmax”")
    assert page.locator("h1").first.inner_text() == "The Softmax"
    page.get_by_role("button", name="Mark as read", exact=True).click()
    page.wait_for_load_state()
    assert "You have read this lesson." in page.inner_text("main")

    # Take the quiz, from the course page's next step.
    _continue(page, base, "Continue with the quiz “Softmax quiz”")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/attempts/*/")
    page.locator("label.option", has_text="So that exp cannot overflow").locator("input").check()
    page.fill("#q-sum-input", "1")
    page.click("button:has-text('Submit for scoring')")
    page.wait_for_url("**/results/")
    assert_clean(page)

    # The exercise: type a first solution with Tab indentation and run the visible tests. The
    # result appears in place; the second visible test fails with a long message that wraps.
    _continue(page, base, "Continue with the exercise “Stable softmax”")
    assert page.url == f"{base}{EXERCISE}"
    editor_content(page).wait_for()
    _type_with_tabs(page, OVERFLOWING)
    assert_clean(page)
    page.evaluate("() => { window.__marker = 'still here'; }")
    page.click("#run-visible")
    page.wait_for_selector(f"#practice :is({FINISHED})", timeout=90_000)
    assert page.evaluate("() => window.__marker") == "still here"
    assert page.url == f"{base}{EXERCISE}"
    assert page.inner_text("#practice #score").startswith("1 / 2 points on the visible tests")
    assert PracticeRun.objects.get(user__username="ada").points == 1.0
    assert Submission.objects.count() == 0
    _long_message_wraps_at_375_px(page, "#practice")
    screenshot(page, "journey-exercise-light")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "journey-exercise-dark")
    page.emulate_media(color_scheme="light")
    assert_clean(page)

    # Submit it all the same: graded on every test, hidden ones included.
    assert _submit_and_watch(page, base, worker) == "3 / 6 points"
    assert Certificate.objects.count() == 0
    _long_message_wraps_at_375_px(page, "#run-live")
    screenshot(page, "journey-submission")

    # Back in the exercise: the draft holds the first solution; type the stable one and submit.
    page.goto(f"{base}{EXERCISE}")
    editor_content(page).wait_for()
    assert page.input_value("#code-answer") == OVERFLOWING
    _type_with_tabs(page, STABLE)
    assert _submit_and_watch(page, base, worker) == "6 / 6 points"

    # The last requirement is met: the certificate was issued where the score was recorded.
    certificate = Certificate.objects.get(user__username="ada", course__slug="journey")
    assert (certificate.learner_name, certificate.course_title) == (
        "Ada Lovelace",
        "A Short Journey",
    )

    # Compare the two submissions.
    first, second = Submission.objects.order_by("pk")
    page.goto(f"{base}{EXERCISE}")
    page.click("#compare-button")
    page.wait_for_selector("table.diff")
    assert page.locator("h1").inner_text() == f"Changes from submission {first.pk} to {second.pk}"
    assert page.locator("tr.diff-removed").count() == 1
    assert page.locator("tr.diff-added").count() == 5
    assert_clean(page)

    # The course is finished: the course page says so and leads to the certificate, issued
    # already (no button to press).
    page.goto(f"{base}/courses/journey/")
    assert "You have done everything in this course" in page.inner_text("#next-step")
    assert "Module complete." in page.inner_text("ul.requirements")
    page.click("a:has-text('Your certificate of completion')")
    assert page.locator("button:has-text('Take my certificate')").count() == 0
    url = page.locator("[data-verification-url]").get_attribute("href")
    assert url == f"{base}/certificates/{certificate.code}/"
    assert_clean(page)

    # Anyone, logged out, opens the verification URL.
    logged_out = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        visitor = logged_out.new_page()
        visitor.goto(url)
        assert visitor.locator("#verified-heading").inner_text() == "Valid certificate"
        assert visitor.locator('[data-field="name"]').inner_text() == "Ada Lovelace"
        assert visitor.locator('[data-field="course"]').inner_text() == "A Short Journey"
        issued = date_format(timezone.localtime(certificate.issued_at), "j F Y")
        assert visitor.locator('[data-field="date"]').inner_text() == issued
        result = visitor.locator('[data-field="result"]').inner_text()
        assert "Quiz average: 100%" in result
        assert "Exercises: 6/6 points" in result
        assert "Lessons read: 1" in result
        assert visitor.locator("a:has-text('Log in')").count() >= 1
        screenshot(visitor, "journey-certificate-verification")
    finally:
        logged_out.close()
    assert console_errors == []
