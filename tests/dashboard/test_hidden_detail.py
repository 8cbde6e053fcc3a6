"""Hidden tests' output and tracebacks: graded for real (both sandboxes), kept for the course's
teaching staff on their submission pages and API, and never shown to the learner (their pages,
the learner API, their account export)."""

from __future__ import annotations

import json

import pytest

from courseware.enrolment import enrol_with_role
from courseware.models import CourseRole
from grading import execution, services
from grading.models import Exercise, GradingRun
from tests.courseware.factories import UserFactory
from tests.dashboard.conftest import client_of
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook

SECRET = "hidden-expects-two-8731"  # appears in the hidden test only
PRINTED = "hidden-check-prints-5519"
SOURCE = notebook(
    answer_cell("def f():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n"),
    grade_cell("print('visible calls f')\nassert f() in (1, 2)", "test_visible", 1),
    grade_cell(
        f"### BEGIN HIDDEN TESTS\nprint({PRINTED!r})\nassert f() == 2, {SECRET!r}\n"
        "### END HIDDEN TESTS",
        "test_hidden",
        2,
    ),
)


@pytest.fixture
def graded(db, tmp_path):
    """A learner's submission that fails the hidden test, graded through the real pipeline."""
    exercise: Exercise = make_exercise(tmp_path, slug="hidden-detail", source=SOURCE)
    course = exercise.module.course
    learner = UserFactory(username="learner")
    enrol_with_role(user_id=learner.pk, course=course)
    instructor = UserFactory(username="instructor")
    enrol_with_role(user_id=instructor.pk, course=course, role=CourseRole.INSTRUCTOR)
    submission = services.submission_create(
        user=learner, exercise=exercise, code={"answer": "def f():\n    return 1\n"}
    )
    run = submission.runs.get()
    assert execution.grading_run_execute(run_pk=run.pk) == "graded"
    run.refresh_from_db()
    assert (run.points, run.max_points) == (1.0, 3.0)
    return {"exercise": exercise, "learner": learner, "instructor": instructor, "run": run}


def _dashboard(graded) -> str:
    return f"/courses/{graded['exercise'].module.course.slug}/dashboard"


def test_staff_see_the_hidden_tests_output_and_traceback(graded):
    staff = client_of(graded["instructor"])
    submission_pk = graded["run"].submission_id
    exercise = graded["exercise"]
    pages = {
        "submissions": f"{_dashboard(graded)}/exercises/basics/hidden-detail/submissions/",
        "learner": f"{_dashboard(graded)}/learners/{graded['learner'].pk}/",
        "submission": f"/exercises/test-course/hidden-detail/submissions/{submission_pk}/",
    }
    for name, path in pages.items():
        response = staff.get(path)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f"AssertionError: {SECRET}" in html, name
        assert PRINTED in html, name

    listing = staff.get(f"/api/grading/exercises/{exercise.pk}/all-submissions/")
    assert listing.status_code == 200
    (run,) = listing.json()["results"][0]["runs"]
    (hidden,) = run["hidden_tests"]
    assert (hidden["grade_id"], hidden["output"]) == ("test_hidden", f"{PRINTED}\n")
    assert hidden["traceback"].endswith(f"AssertionError: {SECRET}\n")


def test_the_learner_never_sees_them(graded):
    learner = client_of(graded["learner"])
    run: GradingRun = graded["run"]
    submission_pk, exercise = run.submission_id, graded["exercise"]
    responses = {
        "submission page": learner.get(
            f"/exercises/test-course/hidden-detail/submissions/{submission_pk}/"
        ),
        "status poll": learner.get(
            f"/exercises/test-course/hidden-detail/submissions/{submission_pk}/status/"
        ),
        "exercise page": learner.get("/exercises/test-course/hidden-detail/"),
        "api submission": learner.get(f"/api/grading/submissions/{submission_pk}/"),
        "api list": learner.get(f"/api/grading/exercises/{exercise.pk}/submissions/"),
        "export": learner.get("/accounts/export/"),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        assert SECRET not in text and PRINTED not in text, name
    api_run = responses["api submission"].json()["runs"][0]
    assert "hidden_tests" not in api_run
    assert [cell["grade_id"] for cell in api_run["feedback"]["cells"]] == [
        "test_visible",
        "test_hidden",
    ]
    exported = json.loads(responses["export"].content)["submissions"][0]["gradings"][0]
    assert "hidden_tests" not in exported
    # The learner still reads that a hidden test failed, and the visible test's own output.
    page = responses["submission page"].content.decode()
    assert "visible calls f" in page
    assert "A hidden test failed: check edge cases and shapes." in page
