"""The instructor's class in Chromium, end to end: creates a cohort, enrols two learners from a
CSV file, sets a due date, sees the learner who has not started under "needs attention" on the
dashboard, opens their page, grants them an extension there, overrides a quiz score with a
reason, then exports the gradebook CSV and reads the override back from it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from content.importer import course_import
from courseware.enrolment import enrol_with_role
from courseware.models import Course, CourseRole, Lesson, LessonRead, Quiz, QuizAttempt
from deadlines.models import DueDate, Extension
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def _submit(page, form: str, button: str) -> str:
    page.click(f"{form} button:has-text('{button}')")
    page.wait_for_load_state()
    return page.inner_text("body")


def _finish_the_course(user, course: Course) -> None:
    """What a diligent learner leaves behind: every lesson read, every quiz passed."""
    for lesson in Lesson.objects.filter(course=course):
        LessonRead.objects.create(user=user, lesson=lesson)
    for quiz in Quiz.objects.filter(module__course=course):
        QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            number=1,
            seed=1,
            question_ids=[],
            status=QuizAttempt.Status.SUBMITTED,
            score=1.0,
            submitted_at=timezone.now(),
        )


def test_instructor_finds_a_learner_who_needs_attention(
    browser, live_server, mini_course_dir, page
):
    course_import(path=mini_course_dir)
    course = Course.objects.get(slug="mini")
    users = get_user_model().objects
    teacher = users.create_user("teacher", password=PASSWORD)
    enrol_with_role(user_id=teacher.pk, course=course, role=CourseRole.INSTRUCTOR)
    users.create_user("ada", email="ada@example.org", password=PASSWORD)
    grace = users.create_user("grace", email="grace@example.org", password=PASSWORD)
    due = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    extended = (timezone.now() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "teacher")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/courses/mini/")
    page.click("header a:has-text('Roster')")
    page.fill("#new-cohort", "Monday")
    assert "Cohort 'Monday' created." in _submit(page, "main", "Create cohort")
    page.click("a:has-text('Enrol by list or CSV')")
    page.set_input_files(
        "#id_csv_file",
        files=[
            {
                "name": "class.csv",
                "mimeType": "text/csv",
                "buffer": b"email\nada@example.org\ngrace@example.org\n",
            }
        ],
    )
    page.select_option("#id_cohort", label="Monday")
    assert "Enrolled 2, re-admitted 0, already members 0, invited 0." in _submit(
        page, "main", "Enrol"
    )

    page.click("header a:has-text('Deadlines')")
    page.select_option("#due-item", label="Basics: quiz “Basics quiz”")
    page.fill("#due-at", due)
    assert "Due date saved for everyone else." in _submit(page, "#due-form", "Save due date")

    # Grace works through the course while Ada does nothing.
    _finish_the_course(grace, course)
    page.click("header a:has-text('Dashboard')")
    attention = page.locator("#needs-attention")
    assert attention.locator("li[data-learner='ada']").count() == 1
    assert attention.locator("li[data-learner='grace']").count() == 0
    assert "Behind: 0% done, the median of Monday is 50%" in attention.inner_text()
    assert page.locator("#heatmap td.heat-4").count() == 2  # Grace's two modules, done
    screenshot(page, "dashboard")

    attention.locator("a:has-text('ada')").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "ada"
    page.select_option("#extension-item", label="Basics: quiz “Basics quiz”")
    page.fill("#extension-due", extended)
    page.fill("#extension-reason", "Started late, agreed in office hours")
    body = _submit(page, "#extension-form", "Grant extension")
    assert "Extension granted to ada." in body
    assert "“Started late, agreed in office hours”" in page.inner_text("#extensions")
    screenshot(page, "dashboard-learner")

    page.click("#override-link")
    page.wait_for_load_state()
    quiz_row = page.locator("#learner-grades tr[data-item='quiz:basics']")
    quiz_row.locator("summary").click()
    quiz_row.locator("input[name=score]").fill("70")
    quiz_row.locator("input[name=reason]").first.fill("Oral exam instead of the quiz")
    quiz_row.locator("button:has-text('Override')").click()
    page.wait_for_load_state()
    assert "Saved." in page.inner_text("body")

    page.click("a:has-text('Back to the gradebook')")
    with page.expect_download() as download_info:
        page.click("a:has-text('Export CSV')")
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    by_name = {row["Username"]: row for row in rows}
    assert set(by_name) == {"ada", "grace"}
    assert by_name["ada"]["Basics: Basics quiz (Real)"] == "70.00"
    assert by_name["grace"]["Basics: Basics quiz (Real)"] == "100.00"

    assert DueDate.objects.filter(course=course, quiz__module__slug="basics").count() == 1
    extension = Extension.objects.get()
    assert (extension.user.username, extension.granted_by) == ("ada", teacher)
