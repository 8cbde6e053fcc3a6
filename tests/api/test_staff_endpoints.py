"""The instructor side of the API: members and gradebook (paged, filtered; the gradebook app's
rows), a learner's record, an exercise's submissions, regrades and item analysis, each refused
to learners (their session or their token), to anonymous visitors and to other courses' staff,
changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from courseware import services as courseware_services
from courseware.models import QuizAttempt
from gradebook import services as gradebook_services
from gradebook.selectors.pages import GradebookQuery, gradebook_page
from grading import services as grading_services
from grading.models import GradingRun
from tests.api.conftest import token_client
from tests.courseware.helpers import right_answers

REFUSED = {"anonymous": 403, "learner": 403, "other_learner": 403, "other_instructor": 403}
ALLOWED = ("ta", "instructor")


def _staff_urls(course, exercise, submission) -> dict[str, tuple[str, str]]:
    quiz = course.modules.get(slug="basics").quiz
    return {
        "members": ("get", "/api/courses/mini/members/"),
        "gradebook": ("get", "/api/courses/mini/gradebook/"),
        "record": ("get", "/api/courses/mini/learners/learner/"),
        "roster": ("get", "/api/courses/mini/roster/"),
        "item-analysis": ("get", f"/api/quizzes/{quiz.pk}/item-analysis/"),
        "submissions": ("get", f"/api/grading/exercises/{exercise.pk}/all-submissions/"),
        "regrade": ("post", f"/api/grading/submissions/{submission.pk}/regrade/"),
    }


@pytest.fixture
def submission(people, exercise):
    return grading_services.submission_create(
        user=people["learner"], exercise=exercise, code={"answer": "def softmax(x):\n    x\n"}
    )


@pytest.mark.parametrize("visitor", [*REFUSED, *ALLOWED])
@pytest.mark.parametrize(
    "endpoint",
    ["members", "gradebook", "record", "roster", "item-analysis", "submissions", "regrade"],
)
def test_instructor_endpoints_by_who_asks(
    tokens, course, exercise, submission, visitor, endpoint
) -> None:
    method, url = _staff_urls(course, exercise, submission)[endpoint]
    client = token_client(tokens.get(visitor))
    runs_before = GradingRun.objects.count()

    response = getattr(client, method)(url, format="json")

    if visitor in REFUSED:
        assert response.status_code == REFUSED[visitor]
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 403
        assert body["type"].endswith(":permission-denied")
        assert GradingRun.objects.count() == runs_before
        return
    assert response.status_code == (202 if endpoint == "regrade" else 200), response.content
    assert GradingRun.objects.count() == runs_before + (endpoint == "regrade")


def test_members_are_filtered_and_paged(tokens) -> None:
    client = token_client(tokens["instructor"])

    everyone = client.get("/api/courses/mini/members/").json()
    learners = client.get("/api/courses/mini/members/?role=learner").json()
    monday = client.get("/api/courses/mini/members/?cohort=Monday").json()
    named = client.get("/api/courses/mini/members/?learner=stud").json()
    page = client.get("/api/courses/mini/members/?limit=2&offset=2").json()

    assert [m["username"] for m in everyone["results"]] == [
        "instructor",
        "learner",
        "student",
        "ta",
    ]
    assert [m["username"] for m in learners["results"]] == ["learner", "student"]
    assert monday["results"] == [
        {"username": "student", "role": "learner", "cohort": "Monday", "status": "active"}
    ]
    assert [m["username"] for m in named["results"]] == ["student"]
    assert page["count"] == 4
    assert [m["username"] for m in page["results"]] == ["student", "ta"]
    bad = client.get("/api/courses/mini/members/?role=owner")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"role": ['"owner" is not a valid choice.']}


def _submit_quiz(user: Any, quiz) -> QuizAttempt:
    attempt, _ = courseware_services.quiz_attempt_start(user_id=user.pk, quiz=quiz)
    courseware_services.quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=user.pk, answers=right_answers(attempt)
    )
    attempt, _ = courseware_services.quiz_attempt_submit(attempt_id=attempt.pk, user_id=user.pk)
    return attempt


def test_the_gradebook_by_learner_module_and_cohort(tokens, people, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    _submit_quiz(people["student"], quiz)
    client = token_client(tokens["ta"])

    whole = client.get("/api/courses/mini/gradebook/").json()
    basics = client.get("/api/courses/mini/gradebook/?module=basics&cohort=Monday").json()
    nobody = client.get("/api/courses/mini/gradebook/?learner=zzz").json()
    paged = client.get("/api/courses/mini/gradebook/?limit=1").json()

    assert [row["username"] for row in whole["results"]] == ["learner", "student"]
    modules = [{cell["module"] for cell in row["cells"]} for row in whole["results"]]
    assert modules == [{"basics", "more"}, {"basics", "more"}]
    assert basics["count"] == 1
    (row,) = basics["results"]
    assert row["username"] == "student"
    assert row["cohort"] == "Monday"
    assert {cell["module"] for cell in row["cells"]} == {"basics"}
    (quiz_cell,) = [cell for cell in row["cells"] if cell["kind"] == "quiz"]
    assert quiz_cell["item"] == "quiz:basics"
    assert quiz_cell["raw"] == 1.0
    assert quiz_cell["kept"] == 1.0
    assert quiz_cell["detail"] == "1 attempt"
    assert quiz_cell["is_late"] is False
    assert quiz_cell["is_overridden"] is False
    assert nobody == {"count": 0, "next": None, "previous": None, "results": []}
    assert paged["count"] == 2
    assert [row["username"] for row in paged["results"]] == ["learner"]
    unknown = client.get("/api/courses/mini/gradebook/?module=nope")
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "This course has no module 'nope'."


def test_the_api_gradebook_is_the_gradebook_pages_one(tokens, people, course) -> None:
    """The endpoint serves the gradebook app's rows: the same kept scores and totals as the
    gradebook page, an override included."""
    _submit_quiz(people["student"], course.modules.get(slug="basics").quiz)
    gradebook_services.grade_override_set(
        course=course,
        learner_pk=people["learner"].pk,
        item_key="quiz:basics",
        score=0.5,
        reason="Sat the quiz on paper",
        by_pk=people["instructor"].pk,
    )

    body = token_client(tokens["instructor"]).get("/api/courses/mini/gradebook/").json()
    page = gradebook_page(course=course, query=GradebookQuery())

    assert [row["username"] for row in body["results"]] == [
        row.enrolment.user.username for row in page.rows
    ]
    for listed, shown in zip(body["results"], page.rows, strict=True):
        assert listed["total"] == shown.total
        assert [cell["item"] for cell in listed["cells"]] == [cell.item.key for cell in shown.cells]
        assert [cell["kept"] for cell in listed["cells"]] == [cell.kept for cell in shown.cells]
    (overridden,) = [cell for cell in body["results"][0]["cells"] if cell["item"] == "quiz:basics"]
    assert overridden["raw"] is None
    assert overridden["is_overridden"] is True
    assert overridden["override_reason"] == "Sat the quiz on paper"
    assert overridden["kept"] == 0.5


def test_one_learners_record(tokens, people, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    attempt = _submit_quiz(people["learner"], quiz)

    body = token_client(tokens["instructor"]).get("/api/courses/mini/learners/learner/").json()

    assert body["member"] == {
        "username": "learner",
        "role": "learner",
        "cohort": None,
        "status": "active",
    }
    assert [item["module"] for item in body["progress"]] == ["basics", "more"]
    assert [item["id"] for item in body["attempts"]] == [attempt.pk]
    assert body["attempts"][0]["score"] == 1.0
    other = token_client(tokens["instructor"]).get("/api/courses/mini/learners/other_learner/")
    assert other.status_code == 404


def test_an_exercises_submissions_for_staff(tokens, people, exercise, submission) -> None:
    grading_services.submission_create(
        user=people["student"], exercise=exercise, code={"answer": "def softmax(x):\n    1\n"}
    )
    client = token_client(tokens["instructor"])
    url = f"/api/grading/exercises/{exercise.pk}/all-submissions/"

    everyone = client.get(url).json()
    mine = client.get(f"{url}?learner=learner").json()

    assert [item["username"] for item in everyone["results"]] == ["student", "learner"]
    assert "seed" in everyone["results"][0]["runs"][0]
    assert [item["id"] for item in mine["results"]] == [submission.pk]


def test_a_regrade_keeps_the_seed_unless_asked(tokens, submission) -> None:
    client = token_client(tokens["instructor"])
    url = f"/api/grading/submissions/{submission.pk}/regrade/"
    first_seed = submission.runs.get(number=1).seed

    same = client.post(url, {}, format="json").json()
    fresh = client.post(url, {"fresh_seed": True}, format="json").json()

    assert same["number"] == 2
    assert same["seed"] == first_seed
    assert same["reason"] == "regrade"
    assert fresh["number"] == 3
    assert submission.runs.count() == 3
    missing = client.post("/api/grading/submissions/999999/regrade/", {}, format="json")
    assert missing.status_code == 404


def test_item_analysis(tokens, people, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    attempt = _submit_quiz(people["learner"], quiz)

    items = token_client(tokens["ta"]).get(f"/api/quizzes/{quiz.pk}/item-analysis/").json()

    asked = {item["question"]: item for item in items if item["responses"]}
    assert len(asked) == len(attempt.question_ids)
    assert all(item["share_correct"] == 1.0 for item in asked.values())
    assert all(item["discrimination"] is None for item in asked.values())
