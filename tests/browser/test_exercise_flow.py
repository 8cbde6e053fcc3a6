"""A learner logs in, opens an exercise, submits a wrong and a right answer and hostile code,
and watches each status turn into a score; an instructor sees the submissions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from courseware.enrolment import enrol_with_role
from courseware.models import CourseRole
from tests.browser.conftest import screenshot
from tests.browser.editor import fill_code
from tests.integration.test_grading_stack import RIGHT, WRONG

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_load_state()


def _submit_and_wait(page, code: str) -> str:
    fill_code(page, code)
    page.click("#submit-graded")
    page.wait_for_selector(
        "#status[data-status=graded], #status[data-status=failed]", timeout=90_000
    )
    return page.inner_text("main") if page.query_selector("main") else page.inner_text("body")


def test_learner_submits_and_sees_scores(worker, exercise, live_server, page) -> None:
    get_user_model().objects.create_user("grace", password="a-long-password-1")
    _log_in(page, live_server, "grace", "a-long-password-1")
    page.goto(f"{live_server.url}/exercises/test-course/stable-softmax/")
    assert "raise NotImplementedError()" in page.input_value("#code-answer")
    screenshot(page, "exercise-page")

    wrong = _submit_and_wait(page, WRONG)
    assert "3 / 5" in wrong and "test_large_logits" in wrong
    screenshot(page, "exercise-wrong")

    page.goto(f"{live_server.url}/exercises/test-course/stable-softmax/")
    hostile = _submit_and_wait(page, "import os\nos._exit(0)\n")
    assert "0 / 5" in hostile and "exited before the tests" in hostile

    page.goto(f"{live_server.url}/exercises/test-course/stable-softmax/")
    right = _submit_and_wait(page, RIGHT)
    assert "5 / 5" in right
    screenshot(page, "exercise-right")


def test_instructor_sees_every_submission(worker, exercise, live_server, page) -> None:
    from grading.services import submission_create

    learner = get_user_model().objects.create_user("alan", password="a-long-password-1")
    submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    teacher = get_user_model().objects.create_user("teacher", password="a-long-password-1")
    enrol_with_role(user_id=teacher.pk, course=exercise.module.course, role=CourseRole.INSTRUCTOR)
    _log_in(page, live_server, "teacher", "a-long-password-1")
    page.goto(f"{live_server.url}/exercises/test-course/stable-softmax/all-submissions/")
    text = page.inner_text("body")
    assert "alan" in text
    screenshot(page, "instructor-submissions")
