"""An instructor's roster in Chromium: creates a cohort, enrols a class from a CSV file (an
account and an address without one), drops and re-admits a learner; the invited person signs
up through the e-mailed link and lands in the course, in the cohort."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole, Enrolment
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_instructor_builds_a_cohort_from_a_csv_file(browser, live_server, mini_course_dir, page):
    course_import(path=mini_course_dir)
    course = Course.objects.get(slug="mini")
    users = get_user_model().objects
    teacher = users.create_user("teacher", password=PASSWORD)
    enrol_with_role(user_id=teacher.pk, course=course, role=CourseRole.INSTRUCTOR)
    users.create_user("ada", email="ada@example.org", password=PASSWORD)
    base = live_server.url

    _log_in(page, base, "teacher")
    page.goto(f"{base}/courses/mini/")
    page.click("header a:has-text('Roster')")
    page.fill("#new-cohort", "Monday")
    page.click("button:has-text('Create cohort')")
    page.wait_for_load_state()
    assert "Cohort 'Monday' created." in page.inner_text("body")

    page.click("a:has-text('Enrol by list or CSV')")
    page.set_input_files(
        "#id_csv_file",
        files=[
            {
                "name": "class.csv",
                "mimeType": "text/csv",
                "buffer": b"email,name\nada@example.org,Ada\nnewcomer@example.org,New\n",
            }
        ],
    )
    page.select_option("#id_cohort", label="Monday")
    page.click("main button:has-text('Enrol')")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Enrolled 1, re-admitted 0, already members 0, invited 1." in body
    assert "newcomer@example.org (Learner, Monday)" in body
    ada_row = page.locator("tr[data-username='ada']")
    assert "Monday" in ada_row.inner_text()
    screenshot(page, "roster")

    ada_row.locator("button:has-text('Drop')").click()
    page.wait_for_load_state()
    assert "ada is dropped; their history is kept." in page.inner_text("body")
    assert "Dropped" in page.locator("tr[data-username='ada']").inner_text()
    page.locator("tr[data-username='ada'] button:has-text('Re-admit')").click()
    page.wait_for_load_state()
    assert "Active" in page.locator("tr[data-username='ada']").inner_text()

    # The invitation's link, from the e-mail, signs a new person up into the cohort.
    page.click("header .account-nav button[type=submit]")
    page.wait_for_load_state()
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    link = re.search(r"https?://\S+", message.body)
    assert link is not None
    page.goto(link.group(0))
    page.fill("#id_username", "newcomer")
    page.fill("#id_email", "newcomer@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{base}/courses/mini/"
    assert "You are enrolled in" in page.inner_text("body")
    enrolment = Enrolment.objects.select_related("cohort").get(user__username="newcomer")
    assert (enrolment.role, enrolment.status, enrolment.cohort.name) == (
        "learner",
        "active",
        "Monday",
    )
