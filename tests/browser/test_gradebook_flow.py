"""The gradebook in Chromium: an instructor opens it from the course header, finds a learner
by name, overrides a quiz score with a reason, sees the override and its history, then
downloads the CSV export and reads the override back from it."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole, LessonRead, Quiz, QuizAttempt
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def test_instructor_overrides_a_score_and_exports_it(browser, live_server, mini_course_dir, page):
    course_import(path=mini_course_dir)
    course = Course.objects.get(slug="mini")
    users = get_user_model().objects
    teacher = users.create_user("teacher", password=PASSWORD)
    enrol_with_role(user_id=teacher.pk, course=course, role=CourseRole.INSTRUCTOR)
    for name in ("ada", "grace"):
        learner = users.create_user(name, email=f"{name}@example.org", password=PASSWORD)
        enrol_with_role(user_id=learner.pk, course=course)
    ada = users.get(username="ada")
    quiz = Quiz.objects.get(module__course=course, module__slug="basics")
    QuizAttempt.objects.create(
        user=ada,
        quiz=quiz,
        number=1,
        seed=1,
        question_ids=[],
        status=QuizAttempt.Status.SUBMITTED,
        score=0.4,
        submitted_at=timezone.now(),
    )
    LessonRead.objects.create(user=ada, lesson=course.lessons.get(slug="first-steps"))
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "teacher")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/courses/mini/")
    page.click("header a:has-text('Gradebook')")
    page.fill("#gb-q", "ada")
    page.click("form[role=search] button:has-text('Show')")
    page.wait_for_load_state()
    assert page.locator("#gradebook tbody tr").count() == 1
    row = page.locator("tr[data-username='ada']")
    assert row.locator("td[data-item='quiz:basics']").inner_text().startswith("40%")

    row.locator("a:has-text('ada')").click()
    quiz_row = page.locator("#learner-grades tr[data-item='quiz:basics']")
    quiz_row.locator("summary").click()
    quiz_row.locator("input[name=score]").fill("85")
    quiz_row.locator("input[name=reason]").first.fill("Question 4 was ambiguous")
    quiz_row.locator("button:has-text('Override')").click()
    page.wait_for_load_state()
    assert "Saved." in page.inner_text("body")
    kept = page.locator("#learner-grades tr[data-item='quiz:basics'] td").nth(3).inner_text()
    assert kept == "85% override (computed 40%)"
    history = page.inner_text("#override-history")
    assert history.startswith("Basics: Basics quiz: set to 85% (computed then 40%) by teacher, ")
    assert history.endswith(" UTC: “Question 4 was ambiguous”")
    screenshot(page, "gradebook-learner")

    page.click("a:has-text('Back to the gradebook')")
    with page.expect_download() as download_info:
        page.click("a:has-text('Export CSV')")
    download = download_info.value
    assert download.suggested_filename.startswith("mini-gradebook-")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert [row["Username"] for row in rows] == ["ada", "grace"]
    ada_line = rows[0]
    assert ada_line["Basics: Basics quiz (Real)"] == "85.00"
    assert ada_line["Basics: Lessons read (Real)"] == "50.00"
    assert ada_line["Email address"] == "ada@example.org"
    assert rows[1]["Basics: Basics quiz (Real)"] == ""
    screenshot(page, "gradebook")
