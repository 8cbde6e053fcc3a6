"""The reader and the quizzes in Debian's Chromium (Playwright), against a live server.

Screenshots of the lesson page (desktop and 375 px wide) land in var/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from content.importer import course_import
from courseware.models import Quiz, QuizAttempt
from tests.courseware.factories import PASSWORD, UserFactory
from tests.courseware.helpers import answer_quiz, right_answers

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "content" / "gen-ai-guide"
SCREENSHOTS = ROOT / "var" / "screenshots"


def new_page(browser, width: int = 1200, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.fixture
def guide(transactional_db):
    course_import(path=GUIDE)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def wait_for_autosave(page) -> None:
    """Let the optional autosave script finish (its text saves wait 800 ms for typing)."""
    page.wait_for_timeout(900)
    # A function, not an expression: Playwright evals expressions in the page, which the CSP
    # (script-src 'self', no 'unsafe-eval') refuses.
    page.wait_for_function("() => document.getElementById('questions').dataset.pending === '0'")


def test_lesson_page_reads_well_on_desktop_and_at_375px(browser, live_server, guide):
    UserFactory(username="reader")
    url = f"{live_server.url}/courses/gen-ai-guide/lessons/attention-mechanism/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    desktop = new_page(browser)
    log_in(desktop, live_server.url, "reader")
    desktop.goto(url)
    assert desktop.locator("h1").inner_text() == "Attention Mechanism"
    assert desktop.locator("nav.breadcrumbs").inner_text().split("\n")[:1] == [
        "Generative AI Guide"
    ]
    assert desktop.locator("svg.diagram").is_visible()
    assert desktop.locator(".toc a").count() >= 3
    desktop.screenshot(path=str(SCREENSHOTS / "lesson-desktop.png"), full_page=False)
    desktop.click("text=Mark as read")
    assert desktop.locator(".read-badge").first.inner_text() == "✓ Read"
    desktop.click("a[rel=next]")
    assert desktop.locator("h1").inner_text() == "BERT and GPT Series"

    phone = new_page(browser, width=375, height=800)
    phone.goto(url)
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375
    figure = phone.locator("figure.figure-diagram").bounding_box()
    assert figure["x"] >= 0 and figure["x"] + figure["width"] <= 375
    phone.screenshot(path=str(SCREENSHOTS / "lesson-375px.png"), full_page=False)
    phone.goto(f"{live_server.url}/courses/gen-ai-guide/lessons/python-basics/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.locator("pre.highlight").count() == 3
    phone.screenshot(path=str(SCREENSHOTS / "lesson-code-375px.png"), full_page=True)


def test_search_in_the_browser(browser, live_server, guide):
    page = new_page(browser)
    page.goto(f"{live_server.url}/courses/gen-ai-guide/")
    page.fill("#site-search", "reparameterization")
    page.press("#site-search", "Enter")

    assert page.locator(".search-results a", has_text="Variational Autoencoders").count() == 1
    assert page.locator(".search-results mark").first.inner_text().lower() == "reparameterization"


def test_a_learner_signs_up_and_takes_every_chapter_quiz(browser, live_server, guide):
    base = live_server.url
    page = new_page(browser, width=375, height=800)
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", "quiztaker")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/courses/gen-ai-guide/")
    quiz_links = page.locator("a", has_text="Quiz")
    modules = [
        href.split("/")[-3] for href in quiz_links.evaluate_all("els => els.map(e => e.href)")
    ]
    assert len(modules) == 11

    for number, module in enumerate(modules, start=1):
        page.goto(f"{base}/courses/gen-ai-guide/modules/{module}/quiz/")
        page.click("button:has-text('Start')")
        attempt = QuizAttempt.objects.get(user__username="quiztaker", quiz__module__slug=module)
        answer_quiz(page, attempt)
        wait_for_autosave(page)
        if number == 1:
            # Save, then load the page again: every answer is still there.
            page.click("button:has-text('Save answers')")
            assert page.locator(".message--success").inner_text() == "Your answers are saved."
            page.goto(f"{base}/attempts/{attempt.pk}/")
            attempt.refresh_from_db()
            assert len(attempt.answers) == len(attempt.question_ids)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "quiz-attempt-375px.png"), full_page=True)
            checked = page.locator("input[type=radio]:checked, input[type=checkbox]:checked")
            assert checked.count() == sum(
                len(a) if isinstance(a, list) else 1
                for key, a in right_answers(attempt).items()
                if attempt.option_order.get(key)
            )
        page.click("button:has-text('Submit for scoring')")
        page.wait_for_url("**/results/")
        assert page.locator(".score-big").inner_text() == "100%", module
        # The shipped course's safe default: no answers or explanations while attempts are
        # left and no due date has passed, and a note that says when they come.
        assert page.locator(".explanation").count() == 0
        assert page.locator("text=(correct)").count() == 0
        assert "The correct answers and explanations are shown after the due date" in (
            page.inner_text("main")
        )
    page.screenshot(path=str(SCREENSHOTS / "quiz-results-375px.png"), full_page=False)


def test_answers_save_as_the_learner_goes_and_survive_a_reload(browser, live_server, guide):
    UserFactory(username="autosaver")
    # Draw the whole bank, so the attempt surely has a numeric and a choice question.
    quiz = Quiz.objects.get(module__slug="fundamental-concepts")
    Quiz.objects.filter(pk=quiz.pk).update(questions_per_attempt=quiz.questions.count())
    page = new_page(browser)
    log_in(page, live_server.url, "autosaver")
    page.goto(f"{live_server.url}/courses/gen-ai-guide/modules/fundamental-concepts/quiz/")
    page.click("button:has-text('Start')")
    # The autosave script must be listening before we type: wait for the attempt page to load.
    page.wait_for_selector("#questions")
    page.wait_for_load_state("load")
    attempt = QuizAttempt.objects.get(user__username="autosaver")
    answers = right_answers(attempt)
    numeric = set(quiz.questions.filter(type="numeric").values_list("slug", flat=True))
    key = next(k for k in answers if k in numeric)
    choice = next(k for k in answers if attempt.option_order.get(k))
    letter = answers[choice][0] if isinstance(answers[choice], list) else answers[choice]

    page.fill(f'input[name="q-{key}"]', "not a number")
    page.wait_for_selector(f'[data-error-for="{key}"]:not([hidden])')
    assert "is not a number" in page.inner_text(f'[data-error-for="{key}"]')
    page.fill(f'input[name="q-{key}"]', "42")
    page.check(f'input[name="q-{choice}"][value="{letter}"]')
    wait_for_autosave(page)
    # Under load the debounced save can start late: wait for its own "saved" message.
    page.wait_for_function(
        "() => document.getElementById('autosave-status').textContent === 'All answers saved.'"
        " && document.getElementById('questions').dataset.pending === '0'",
        timeout=20_000,
    )
    page.reload()

    assert page.input_value(f'input[name="q-{key}"]') == "42"
    assert page.is_checked(f'input[name="q-{choice}"][value="{letter}"]')
    attempt.refresh_from_db()
    assert attempt.answers[key] == 42.0
