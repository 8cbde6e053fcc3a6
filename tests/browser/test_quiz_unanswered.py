"""Submitting a quiz with unanswered questions asks first; the "answered" counter is live.

Chromium (Playwright) on the mini course's quiz: the counter and the list of unanswered
questions follow each answer, "Submit for scoring" with questions left opens a dialog whose
"Keep answering" goes to the first unanswered question and submits nothing, and "Submit anyway"
submits with the answers given.
"""

from __future__ import annotations

import pytest

from content.importer import course_import
from courseware.models import QuizAttempt
from tests.browser.conftest import screenshot
from tests.courseware.factories import PASSWORD, UserFactory
from tests.courseware.helpers import answer_quiz, right_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start(page, base: str) -> QuizAttempt:
    UserFactory(username="hasty")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "hasty")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/courses/mini/modules/basics/quiz/")
    page.click("button:has-text('Start')")
    page.wait_for_selector("#questions")
    page.wait_for_load_state("load")
    return QuizAttempt.objects.get(user__username="hasty")


def _unanswered(page) -> list[str]:
    return page.locator("#unanswered-list a").all_inner_texts()


def test_submit_with_unanswered_questions_asks_and_the_counter_is_live(
    browser, live_server, mini_course_dir, page
):
    course_import(path=mini_course_dir)
    attempt = _start(page, live_server.url)
    answers = right_answers(attempt)
    assert page.inner_text("#answered-count") == "0"
    assert _unanswered(page) == [f"question {n}" for n in range(1, 6)]

    # Answer the numeric question: counter and list change at once, no reload.
    page.fill('input[name="q-q-numeric"]', "1024")
    page.wait_for_function("() => document.getElementById('answered-count').textContent === '1'")
    numeric_number = page.get_attribute("#question-q-numeric", "data-number")
    assert f"question {numeric_number}" not in _unanswered(page)
    assert len(_unanswered(page)) == 4

    page.click("button:has-text('Submit for scoring')")
    dialog = page.locator("#submit-confirm")
    assert dialog.is_visible()
    assert page.inner_text("#submit-confirm-text").startswith("4 questions are not answered yet")
    screenshot(page, "quiz-submit-confirm")

    page.click("[data-confirm=back]")
    assert not dialog.is_visible()
    # Focus went to the first question still unanswered, and nothing was submitted.
    focused = page.evaluate("document.activeElement.closest('section').dataset.question")
    assert page.locator("#unanswered-list a").first.get_attribute("href") == f"#question-{focused}"
    assert focused != "q-numeric"
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    # Escape closes it too, without submitting.
    page.click("button:has-text('Submit for scoring')")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert "/results/" not in page.url

    # "Submit anyway" submits what was given: the numeric answer counts.
    page.click("button:has-text('Submit for scoring')")
    page.click("[data-confirm=submit]")
    page.wait_for_url("**/results/")
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert attempt.answers == {"q-numeric": 1024.0}
    assert page.locator(".score-big").inner_text() == "20%"
    assert answers["q-numeric"] == 1024.0


def test_a_fully_answered_quiz_submits_without_asking(browser, live_server, mini_course_dir, page):
    course_import(path=mini_course_dir)
    attempt = _start(page, live_server.url)
    answer_quiz(page, attempt)
    assert page.inner_text("#answered-count") == "5"
    assert page.is_hidden("#unanswered-note")

    page.click("button:has-text('Submit for scoring')")
    page.wait_for_url("**/results/")
    assert page.locator(".score-big").inner_text() == "100%"
