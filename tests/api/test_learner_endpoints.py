"""The learner's side of the API, through a personal token: lists paged and ordered, lessons
with HTML and source, quizzes and attempts, exercises with the release notebook, submissions
of code or a notebook with their gradings, hints."""

from __future__ import annotations

import json

import nbformat
from django.core.files.uploadedfile import SimpleUploadedFile

from grading.models import GradingRun, HintReveal, Submission
from tests.api.conftest import token_client


def test_courses_are_a_page_ordered_by_title(tokens) -> None:
    client = token_client(tokens["learner"])

    first = client.get("/api/courses/?limit=1").json()
    second = client.get("/api/courses/?limit=1&offset=1").json()

    assert first["count"] == 2
    assert [course["slug"] for course in first["results"]] == ["mini"]
    assert [course["slug"] for course in second["results"]] == ["other"]
    assert second["next"] is None
    assert first["next"].endswith("/api/courses/?limit=1&offset=1")


def test_a_course_has_its_outline(tokens, course) -> None:
    body = token_client(tokens["learner"]).get("/api/courses/mini/").json()

    assert body["slug"] == "mini"
    assert [module["slug"] for module in body["modules"]] == ["basics", "more"]
    basics = body["modules"][0]
    assert [lesson["slug"] for lesson in basics["lessons"]] == [
        "first-steps",
        "variational-autoencoders",
    ]
    assert basics["quiz"] == course.modules.get(slug="basics").quiz.pk
    assert body["modules"][1]["quiz"] is None
    modules = token_client(tokens["learner"]).get("/api/courses/mini/modules/").json()
    assert [module["slug"] for module in modules["results"]] == ["basics", "more"]


def test_a_lesson_comes_with_its_html_and_its_source(tokens, course) -> None:
    lesson = course.lessons.get(slug="first-steps")

    body = token_client(tokens["learner"]).get("/api/courses/mini/lessons/first-steps/").json()

    assert body["id"] == lesson.pk
    assert body["html"] == lesson.html
    assert body["source"] == lesson.source
    assert body["module"] == "basics"
    missing = token_client(tokens["learner"]).get("/api/courses/mini/lessons/nope/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No such lesson."


def test_quiz_status_and_the_list_of_attempts(tokens, course) -> None:
    quiz = course.modules.get(slug="basics").quiz
    client = token_client(tokens["learner"])

    before = client.get(f"/api/quizzes/{quiz.pk}/").json()
    started = client.post(f"/api/quizzes/{quiz.pk}/attempts/")
    after = client.get(f"/api/quizzes/{quiz.pk}/").json()
    attempts = client.get(f"/api/quizzes/{quiz.pk}/attempts/").json()

    assert before["attempts_made"] == 0
    assert before["open_attempt"] is None
    assert before["can_start"] is True
    assert started.status_code == 201
    assert after["open_attempt"] == started.json()["id"]
    assert attempts["count"] == 1
    assert attempts["results"][0]["id"] == started.json()["id"]
    assert attempts["results"][0]["score"] is None
    assert (
        token_client(tokens["student"]).get(f"/api/quizzes/{quiz.pk}/attempts/").json()["count"]
        == 0
    )


def test_exercises_of_a_course_and_the_release_notebook(tokens, exercise) -> None:
    client = token_client(tokens["learner"])

    listed = client.get("/api/grading/courses/mini/exercises/?module=basics").json()
    none = client.get("/api/grading/courses/mini/exercises/?module=more").json()
    notebook = client.get(f"/api/grading/exercises/{exercise.pk}/notebook/")

    assert [item["slug"] for item in listed["results"]] == ["stable-softmax"]
    assert listed["results"][0]["course"] == "mini"
    assert none["count"] == 0
    assert notebook.status_code == 200
    assert notebook["Content-Type"] == "application/x-ipynb+json"
    assert notebook["Content-Disposition"] == 'attachment; filename="stable-softmax.ipynb"'
    assert json.loads(notebook.content) == exercise.release_notebook


def test_code_and_notebook_submissions_with_their_gradings(tokens, exercise, people) -> None:
    client = token_client(tokens["learner"])
    code = client.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"code": {"answer": "def softmax(x):\n    return x\n"}},
        format="json",
    )
    release = nbformat.from_dict(exercise.release_notebook)
    upload = client.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"notebook": _as_upload(nbformat.writes(release))},
        format="multipart",
    )

    assert code.status_code == 202, code.content
    assert upload.status_code == 202, upload.content
    assert code.json()["kind"] == "code"
    assert upload.json()["kind"] == "notebook"
    assert code.json()["runs"][0]["number"] == 1
    assert "seed" not in code.json()["runs"][0]
    mine = client.get(f"/api/grading/exercises/{exercise.pk}/submissions/").json()
    assert [item["id"] for item in mine["results"]] == [upload.json()["id"], code.json()["id"]]
    oldest_first = client.get(
        f"/api/grading/exercises/{exercise.pk}/submissions/?ordering=created_at"
    ).json()
    assert [item["id"] for item in oldest_first["results"]] == [
        code.json()["id"],
        upload.json()["id"],
    ]
    theirs = token_client(tokens["student"]).get(
        f"/api/grading/exercises/{exercise.pk}/submissions/"
    )
    assert theirs.json()["count"] == 0
    hidden = token_client(tokens["student"]).get(f"/api/grading/submissions/{code.json()['id']}/")
    assert hidden.status_code == 404
    assert GradingRun.objects.filter(submission__user=people["learner"]).count() == 2


def test_a_submission_with_both_code_and_notebook_is_refused(tokens, exercise) -> None:
    response = token_client(tokens["learner"]).post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"code": '{"answer": "x"}', "notebook": _as_upload("{}")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["non_field_errors"] == [
        "Send either `code` or a `notebook` file."
    ]
    assert Submission.objects.count() == 0


def test_a_broken_notebook_upload_is_a_clear_400(tokens, exercise) -> None:
    response = token_client(tokens["learner"]).post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        {"notebook": _as_upload("this is not a notebook")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert Submission.objects.count() == 0


def test_hints_are_revealed_one_at_a_time(tokens, exercise, people) -> None:
    client = token_client(tokens["learner"])
    url = f"/api/grading/exercises/{exercise.pk}/hints/"

    assert client.get(url).json() == {"revealed": [], "total": 2}
    first = {"number": 1, "html": "<p>Subtract the maximum.</p>\n", "is_solution": False}
    assert client.post(url).json() == {"revealed": [first], "total": 2}
    client.post(url)
    revealed = client.post(url).json()["revealed"]
    assert [hint["html"].strip() for hint in revealed] == [
        "<p>Subtract the maximum.</p>",
        "<p>Use keepdims=True.</p>",
    ]
    assert HintReveal.objects.get(user=people["learner"]).revealed == 2
    assert token_client(tokens["student"]).get(url).json()["revealed"] == []


def _as_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("answer.ipynb", text.encode(), "application/x-ipynb+json")
