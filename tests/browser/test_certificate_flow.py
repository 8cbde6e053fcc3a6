"""A learner finishes the mini course in Chromium, guided by the module pages' "what completing
this module takes": reads every lesson, passes the quiz, finds the certificate issued, and its
verification URL opened logged out (a fresh browser context) shows the name, the course and
that it is valid."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from certificates.models import Certificate
from content.importer import course_import
from courseware.models import QuizAttempt
from tests.browser.conftest import screenshot
from tests.courseware.helpers import answer_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def _module_requirements(page, base: str, module_slug: str) -> str:
    page.goto(f"{base}/courses/mini/modules/{module_slug}/")
    return str(page.locator("ul.requirements").inner_text())


def test_a_learner_finishes_the_course_and_the_certificate_verifies_logged_out(
    browser, live_server, mini_course_dir, page
) -> None:
    course_import(path=mini_course_dir)
    get_user_model().objects.create_user(
        "ada", password=PASSWORD, first_name="Ada", last_name="Lovelace"
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    assert "0 of 3 steps done." in _module_requirements(page, base, "basics")
    screenshot(page, "certificate-module-requirements")
    page.click("ol.lesson-list a >> nth=0")
    # Through the whole course, lesson after lesson, by "Mark as read and continue".
    titles = []
    for _ in range(3):
        titles.append(page.locator("h1").first.inner_text())
        page.click("button:has-text('Mark as read and continue')")
        page.wait_for_load_state()
    titles.append(page.locator("h1").first.inner_text())
    page.get_by_role("button", name="Mark as read", exact=True).click()
    page.wait_for_load_state()
    assert titles == [
        "First Steps",
        "Variational Autoencoders (VAEs)",
        "Tables and Math",
        "Last Words",
    ]
    assert "Module complete." in _module_requirements(page, base, "more")
    requirements = _module_requirements(page, base, "basics")
    assert "Score at least 60% on the quiz: not taken yet" in requirements

    page.click("a:has-text('Go to the quiz')")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/attempts/*/")
    answer_quiz(page, QuizAttempt.objects.get(user__username="ada"))
    page.click("button:has-text('Submit for scoring')")
    page.wait_for_url("**/results/")
    assert "Module complete." in _module_requirements(page, base, "basics")

    page.goto(f"{base}/courses/mini/")
    assert "You have done everything in this course" in page.inner_text("#next-step")
    screenshot(page, "certificate-course-complete")
    # The quiz passed was the last requirement: the certificate was issued then, unasked.
    page.click("a:has-text('Your certificate of completion')")
    assert page.locator("button:has-text('Take my certificate')").count() == 0
    screenshot(page, "certificate-mine")
    url = page.locator("[data-verification-url]").get_attribute("href")
    certificate = Certificate.objects.get(user__username="ada")
    assert url == f"{base}/certificates/{certificate.code}/"

    logged_out = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        visitor = logged_out.new_page()
        visitor.goto(url)
        assert visitor.locator('[data-field="name"]').inner_text() == "Ada Lovelace"
        assert visitor.locator('[data-field="course"]').inner_text() == "Mini Course"
        assert visitor.locator("#verified-heading").inner_text() == "Valid certificate"
        assert "Quiz average: 100%" in visitor.locator('[data-field="result"]').inner_text()
        assert visitor.locator("a:has-text('Log in')").count() >= 1
        screenshot(visitor, "certificate-verification")
    finally:
        logged_out.close()
