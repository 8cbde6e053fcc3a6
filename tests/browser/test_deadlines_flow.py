"""Deadlines in Chromium: an instructor sets a quiz's due date, a shorter one for a cohort, an
extension for one learner, and refuses late work; the learners see their own dates in their
time zones, with the time left, and the one past the date cannot start the quiz."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Profile
from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, Course, CourseRole
from deadlines.models import CoursePolicy, Extension
from tests.browser.accounts import log_in, log_out
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def _submit(page, form: str, button: str) -> str:
    page.click(f"{form} button:has-text('{button}')")
    page.wait_for_load_state()
    return page.inner_text("body")


def test_instructor_sets_dates_and_an_extension(browser, live_server, mini_course_dir, page):
    course_import(path=mini_course_dir)
    course = Course.objects.get(slug="mini")
    users = get_user_model().objects
    teacher = users.create_user("teacher", password=PASSWORD)
    enrol_with_role(user_id=teacher.pk, course=course, role=CourseRole.INSTRUCTOR)
    Profile.objects.create(user=teacher, time_zone="UTC")
    monday = Cohort.objects.create(course=course, name="Monday")
    for name, zone in (("ada", "Europe/Berlin"), ("bob", "UTC")):
        learner = users.create_user(name, password=PASSWORD)
        enrol_with_role(user_id=learner.pk, course=course, cohort=monday)
        Profile.objects.create(user=learner, time_zone=zone)
    later = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    past = (timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    extended = (timezone.now() + timedelta(days=5, minutes=30)).strftime("%Y-%m-%dT%H:%M")
    base = live_server.url

    log_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/courses/mini/")
    page.click("header a:has-text('Deadlines')")
    page.select_option("#due-item", label="Basics: quiz “Basics quiz”")
    page.fill("#due-at", later)
    assert "Due date saved for everyone else." in _submit(page, "#due-form", "Save due date")
    page.select_option("#due-item", label="Basics: quiz “Basics quiz”")
    page.select_option("#due-cohort", label="Cohort Monday")
    page.fill("#due-at", past)
    assert "Due date saved for Monday." in _submit(page, "#due-form", "Save due date")
    page.select_option("#ext-learner", label="ada (Monday)")
    page.select_option("#ext-item", label="Basics: quiz “Basics quiz”")
    page.fill("#ext-due", extended)
    page.fill("#ext-reason", "Ill, note from the doctor")
    assert "Extension granted to ada." in _submit(page, "#extension-form", "Grant extension")
    page.select_option("#id_late", value="close")
    assert "Late and answer policy saved." in _submit(page, "#policy-form", "Save policy")
    assert "Ill, note from the doctor" in page.locator("#extensions").inner_text()
    screenshot(page, "deadlines")
    log_out(page)

    extension = Extension.objects.get()
    assert (extension.user.username, extension.granted_by) == ("ada", teacher)
    assert CoursePolicy.objects.get(course=course).late == CoursePolicy.Late.CLOSE

    log_in(page, base, "ada", PASSWORD)
    page.goto(f"{base}/courses/mini/modules/basics/quiz/")
    due = page.inner_text(".due")
    assert "Due:" in due and "extension granted" in due and "due in 5 days" in due
    assert "CET" in due or "CEST" in due
    assert page.locator("button:has-text('Start the attempt')").count() == 1
    log_out(page)

    log_in(page, base, "bob", PASSWORD)
    page.goto(f"{base}/courses/mini/modules/basics/quiz/")
    due = page.inner_text(".due")
    assert "Closed:" in due and "closed 2 hours ago" in due and "UTC" in due
    assert page.locator("button:has-text('Start the attempt')").count() == 0
    assert "this course does not accept late work" in page.inner_text("main")
    screenshot(page, "quiz-closed")
