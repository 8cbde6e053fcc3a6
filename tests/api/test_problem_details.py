"""Every API error in one shape: problem details (RFC 9457) as application/problem+json, with
`fields` for a refused body or query, whatever raised it (DRF, a service, the URL map)."""

from __future__ import annotations

from courseware.models import QuizAttempt
from tests.api.conftest import token_client

PROBLEM_KEYS = {"type", "title", "status", "detail", "error"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["error"] == body["detail"]
    return body


def test_a_refused_body_names_its_fields(tokens, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    client = token_client(tokens["learner"])
    attempt = client.post(f"/api/quizzes/{quiz.pk}/attempts/").json()

    body = _problem(
        client.post(f"/api/attempts/{attempt['id']}/answers/", {"answers": 3}, format="json"), 400
    )

    assert body["type"] == "tag:academy,2026:problem:invalid-request"
    assert body["title"] == "Bad Request"
    assert body["fields"] == {"answers": ['Expected a dictionary of items but got type "int".']}
    assert body["detail"] == 'answers: Expected a dictionary of items but got type "int".'
    assert QuizAttempt.objects.get(pk=attempt["id"]).answers == {}


def test_a_services_refusal_keeps_its_status_and_message(tokens, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    client = token_client(tokens["learner"])
    attempt = client.post(f"/api/quizzes/{quiz.pk}/attempts/").json()

    body = _problem(client.get(f"/api/attempts/{attempt['id']}/result/"), 409)

    assert body["type"] == "tag:academy,2026:problem:conflict"
    assert body["detail"] == "Results are shown after the attempt is submitted."
    assert "fields" not in body


def test_malformed_json_an_unknown_id_and_a_wrong_method_are_problems(
    tokens, course, exercise
) -> None:
    client = token_client(tokens["learner"])
    lesson = course.lessons.get(slug="first-steps")
    url = f"/api/grading/exercises/{exercise.pk}/submissions/"

    parse = _problem(client.post(url, data="{", content_type="application/json"), 400)
    unknown = _problem(client.get(f"/api/grading/exercises/{exercise.pk + 1000}/"), 404)
    method = _problem(client.delete(f"/api/lessons/{lesson.pk}/read/"), 405)

    assert parse["detail"].startswith("JSON parse error")
    assert unknown["detail"] == "No such exercise."
    assert unknown["type"].endswith(":not-found")
    assert method["type"].endswith(":method-not-allowed")
    assert method["detail"] == 'Method "DELETE" not allowed.'


def test_a_bad_query_parameter_is_a_field_error(tokens, exercise) -> None:
    body = _problem(
        token_client(tokens["learner"]).get(
            f"/api/grading/exercises/{exercise.pk}/submissions/?ordering=sideways"
        ),
        400,
    )

    assert body["fields"] == {"ordering": ['"sideways" is not a valid choice.']}


def test_anonymous_requests_are_refused_as_problems(db) -> None:
    body = _problem(token_client(None).get("/api/courses/"), 403)

    assert body["detail"] == "Authentication credentials were not provided."
