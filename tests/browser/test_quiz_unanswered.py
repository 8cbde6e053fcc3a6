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
from courseware.services import quiz_attempt_submit
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
    # Focus went to the first question still unanswered, and nothing was submitted. The
    # dialog's close event, which moves the focus, is a queued task: wait for it.
    page.wait_for_function("() => document.activeElement.closest('section[data-question]')")
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


def test_an_attempt_submitted_elsewhere_stops_the_autosave(
    browser, live_server, mini_course_dir, page
):
    """The attempt is submitted from another tab; an answer changed here afterwards is refused
    once (409), the page says why, and the autosave sends nothing more (it used to resend the
    refused answers for as long as the page stayed open)."""
    course_import(path=mini_course_dir)
    attempt = _start(page, live_server.url)
    saves: list[int] = []
    page.on(
        "response",
        lambda response: (
            saves.append(response.status) if response.url.endswith("/answers/") else None
        ),
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=attempt.user_id)

    page.fill('input[name="q-q-numeric"]', "1024")
    page.wait_for_function(
        "() => document.getElementById('autosave-status').textContent.startsWith('This attempt"
        " has been submitted')"
    )
    page.wait_for_timeout(2_000)
    assert saves == [409]
    assert page.get_attribute("#questions", "data-pending") == "0"


def test_submitting_right_after_typing_sends_no_save_after_the_post(
    browser, live_server, mini_course_dir, page
):
    """A learner types the last answer and submits within the autosave's pause: the form's post
    carries the answer, and no autosave follows the post (the attempt is over by then)."""
    course_import(path=mini_course_dir)
    attempt = _start(page, live_server.url)
    answers = right_answers(attempt)
    for key, answer in answers.items():
        if isinstance(answer, list):
            for letter in answer:
                page.check(f'input[name="q-{key}"][value="{letter}"]')
        elif attempt.option_order.get(key):
            page.check(f'input[name="q-{key}"][value="{answer}"]')
        elif key != "q-numeric":
            text = repr(answer) if isinstance(answer, float) else str(answer)
            page.fill(f'input[name="q-{key}"]', text)
    page.wait_for_function("() => document.getElementById('questions').dataset.pending === '0'")
    requests: list[str] = []
    page.on(
        "request",
        lambda request: requests.append(
            "save" if request.url.endswith("/answers/") else f"{request.method} {request.url}"
        ),
    )

    page.fill('input[name="q-q-numeric"]', "1024")
    page.click("button:has-text('Submit for scoring')")
    page.wait_for_url("**/results/")
    page.wait_for_timeout(1_500)

    post = requests.index(f"POST {live_server.url}/attempts/{attempt.pk}/")
    assert "save" not in requests[post:]
    attempt.refresh_from_db()
    assert (attempt.answers["q-numeric"], attempt.score) == (1024.0, 1.0)
