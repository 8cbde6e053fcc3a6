"""A course that refuses late work: past the due date, starting or submitting a quiz attempt and
submitting an exercise are refused with a clear message through the real paths, and nothing is
lost (the attempt keeps its saved answers, the exercise keeps the code as the draft)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import QuizAttempt
from deadlines import services
from deadlines.models import CoursePolicy
from grading.models import Draft, Submission
from tests.courseware.test_pages import shown

REFUSAL = "this course does not accept late work, so it cannot be handed in now"


@pytest.fixture
def closed_course(course):
    services.course_policy_update(
        course=course,
        late=CoursePolicy.Late.CLOSE,
        penalty_percent_per_day=0,
        penalty_cap_percent=0,
        answer_reveal=CoursePolicy.Reveal.AFTER_DUE,
    )
    return course


def _due(course, item, hours: float) -> None:
    services.due_date_set(
        course=course,
        item=item,
        cohort=None,
        due_at=timezone.now() + timedelta(hours=hours),
        set_by_id=None,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_closed_quiz_cannot_be_started_from_the_page_or_the_api(
    closed_course, quiz, enrolled, learner
) -> None:
    _due(closed_course, quiz, -3)
    client = _client(learner)

    page = client.get("/courses/mini/modules/basics/quiz/").content.decode()
    refused = client.post("/courses/mini/modules/basics/quiz/")
    api = APIClient()
    api.force_authenticate(learner)
    refused_api = api.post(f"/api/quizzes/{quiz.pk}/attempts/")

    assert REFUSAL in page and "Start the attempt" not in page
    assert "Closed:" in page and "closed 3 hours ago" in page
    assert refused.status_code == 403 and REFUSAL in refused.content.decode()
    assert refused_api.status_code == 403 and REFUSAL in refused_api.json()["error"]
    assert not QuizAttempt.objects.filter(user=learner).exists()


def test_a_late_submit_of_an_open_attempt_is_refused_and_its_answers_are_kept(
    closed_course, quiz, enrolled, learner
) -> None:
    _due(closed_course, quiz, 1)
    client = _client(learner)
    client.post("/courses/mini/modules/basics/quiz/")
    attempt = QuizAttempt.objects.get(user=learner)
    services.due_date_set(
        course=closed_course,
        item=quiz,
        cohort=None,
        due_at=timezone.now() - timedelta(minutes=1),
        set_by_id=None,
    )

    fields = shown(client.get(f"/attempts/{attempt.pk}/").content.decode())
    response = client.post(
        f"/attempts/{attempt.pk}/", {**fields, "action": "submit", "q-q-numeric": "1024"}
    )

    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert attempt.answers["q-numeric"] == 1024.0


def test_a_late_exercise_submission_is_refused_and_the_code_becomes_the_draft(
    closed_course, exercise, enrolled, learner
) -> None:
    _due(closed_course, exercise, -26)
    (answer_id,) = exercise.starter_code
    code = "def softmax(x):\n    return x\n"

    response = _client(learner).post(
        f"/exercises/mini/{exercise.slug}/submit/", {f"code-{answer_id}": code}
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert REFUSAL in html and "Your code is kept as your draft." in html
    assert "closed 1 day ago" in html
    assert not Submission.objects.filter(user=learner).exists()
    assert Draft.objects.get(user=learner, exercise=exercise).code == {answer_id: code}


def test_an_extension_lets_the_submission_in(
    closed_course, exercise, enrolled, learner, instructor
) -> None:
    _due(closed_course, exercise, -2)
    services.extension_grant(
        course=closed_course,
        item=exercise,
        learner_id=learner.pk,
        due_at=timezone.now() + timedelta(days=1),
        reason="Hospital stay",
        granted_by_id=instructor.pk,
    )
    (answer_id,) = exercise.starter_code

    response = _client(learner).post(
        f"/exercises/mini/{exercise.slug}/submit/", {f"code-{answer_id}": "x = 1\n"}
    )

    assert response.status_code == 302
    assert Submission.objects.filter(user=learner, exercise=exercise).count() == 1


def test_accepting_late_work_lets_it_in_and_shows_the_penalty(
    course, exercise, enrolled, learner
) -> None:
    services.course_policy_update(
        course=course,
        late=CoursePolicy.Late.PENALTY,
        penalty_percent_per_day=20,
        penalty_cap_percent=50,
        answer_reveal=CoursePolicy.Reveal.AFTER_DUE,
    )
    _due(course, exercise, -30)
    (answer_id,) = exercise.starter_code
    client = _client(learner)

    response = client.post(
        f"/exercises/mini/{exercise.slug}/submit/", {f"code-{answer_id}": "x = 1\n"}
    )
    page = client.get(response.url).content.decode()

    assert response.status_code == 302
    assert "Late penalty: 40%." in page
    assert "Submitted 2 days late: 20% per day late, 40% taken off." in page


def test_the_grading_api_refuses_late_work_and_reports_a_penalty(
    closed_course, exercise, enrolled, learner
) -> None:
    _due(closed_course, exercise, -1)
    (answer_id,) = exercise.starter_code
    api = APIClient()
    api.force_authenticate(learner)

    refused = api.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"code": {answer_id: "x = 2\n"}},
        format="json",
    )

    assert refused.status_code == 403
    assert REFUSAL in refused.json()["error"]
    assert not Submission.objects.exists()
    assert Draft.objects.get(user=learner).code == {answer_id: "x = 2\n"}

    CoursePolicy.objects.filter(course=closed_course).update(
        late=CoursePolicy.Late.PENALTY, penalty_percent_per_day=10, penalty_cap_percent=50
    )
    accepted = api.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"code": {answer_id: "x = 2\n"}},
        format="json",
    )

    assert accepted.status_code == 202
    assert accepted.json()["late_penalty"] == {
        "fraction": 0.1,
        "reason": "Submitted 1 day late: 10% per day late, 10% taken off.",
    }


def test_a_late_quiz_attempt_shows_its_penalty_and_keeps_the_raw_score(
    course, quiz, enrolled, learner
) -> None:
    services.course_policy_update(
        course=course,
        late=CoursePolicy.Late.PENALTY,
        penalty_percent_per_day=10,
        penalty_cap_percent=50,
        answer_reveal=CoursePolicy.Reveal.AFTER_DUE,
    )
    _due(course, quiz, -50)
    api = APIClient()
    api.force_authenticate(learner)
    attempt_id = api.post(f"/api/quizzes/{quiz.pk}/attempts/").json()["id"]

    body = api.post(f"/api/attempts/{attempt_id}/submit/").json()
    html = _client(learner).get(f"/attempts/{attempt_id}/results/").content.decode()

    assert body["late_penalty"] == {
        "fraction": 0.3,
        "reason": "Submitted 3 days late: 10% per day late, 30% taken off.",
    }
    assert body["score"] == QuizAttempt.objects.get(pk=attempt_id).score == 0.0
    assert "Late penalty: 30%." in html
    assert "the gradebook applies the penalty" in html
