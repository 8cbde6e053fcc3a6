"""Uploaded notebooks of the wrong shape are a 400 with a message, never a 500, and store
nothing: cells whose `source`, ids or metadata have the wrong type, NUL and lone surrogates in
answers, deep nesting. Code sent through the API is held to the same rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from courseware.errors import ApplicationError
from grading import services
from grading.models import Exercise, Submission
from grading.notebooks import NotebookError, classify, read_notebook
from tests.grading.exercise_factory import make_exercise

SUBMIT = "/exercises/test-course/stable-softmax/submit/"
GOOD_ANSWER = "def softmax(x):\n    return x\n"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _filled(exercise: Exercise) -> dict[str, Any]:
    release = json.loads(json.dumps(exercise.release_notebook))
    for cell in release["cells"]:
        if _grade_id(cell) == "answer":
            cell["source"] = GOOD_ANSWER
    return release


def _grade_id(cell: dict[str, Any]) -> Any:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _answer_cell(notebook: dict[str, Any]) -> dict[str, Any]:
    return next(cell for cell in notebook["cells"] if _grade_id(cell) == "answer")


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(notebook: dict[str, Any]) -> None:
        _answer_cell(notebook)[key] = value

    return change


def _set_nbgrader(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(notebook: dict[str, Any]) -> None:
        _answer_cell(notebook)["metadata"]["nbgrader"][key] = value

    return change


def _first_cell(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(notebook: dict[str, Any]) -> None:
        notebook["cells"][0][key] = value

    return change


def _replace(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(notebook: dict[str, Any]) -> None:
        notebook[key] = value

    return change


def _append(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(notebook: dict[str, Any]) -> None:
        notebook["cells"].append(value)

    return change


BAD_NOTEBOOKS = {
    "source-int": (_set("source", 42), "source"),
    "source-null": (_set("source", None), "source"),
    "source-dict": (_set("source", {"a": 1}), "source"),
    "source-list-of-ints": (_set("source", ["x = 1\n", 2]), "source"),
    "other-cell-source-int": (_first_cell("source", 7), "source"),
    "cell-id-list": (_set("id", ["a", "b"]), "id"),
    "cell-id-int": (_set("id", 12), "id"),
    "grade-id-list": (_set_nbgrader("grade_id", ["answer"]), "grade_id"),
    "grade-id-dict": (_set_nbgrader("grade_id", {"x": 1}), "grade_id"),
    "nbgrader-metadata-list": (
        lambda nb: _answer_cell(nb)["metadata"].__setitem__("nbgrader", [1]),
        "nbgrader",
    ),
    "metadata-list": (_set("metadata", [1, 2]), "metadata"),
    "cell-type-list": (_set("cell_type", ["code"]), "cell_type"),
    "cells-a-dict": (_replace("cells", {"a": 1}), "cells"),
    "cells-null": (_replace("cells", None), "cells"),
    "cell-a-number": (_append(5), "cell"),
    "cell-a-list": (_append(["code"]), "cell"),
    "nul-in-answer": (_set("source", "def softmax(x):\n    return x\x00\n"), "NUL"),
    "nul-in-answer-list": (_set("source", ["def softmax(x):\n", "  return\x00 x\n"]), "NUL"),
    "surrogate-in-answer": (_set("source", "def softmax(x):\n    return '\ud800'\n"), "surrogate"),
}


def _upload_bytes(notebook: dict[str, Any]) -> bytes:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes: valid JSON, valid UTF-8 bytes.
    return json.dumps(notebook).encode()


@pytest.mark.parametrize("name", list(BAD_NOTEBOOKS))
def test_bad_notebooks_through_the_page_are_a_400(exercise, learner, name) -> None:
    change, word = BAD_NOTEBOOKS[name]
    notebook = _filled(exercise)
    change(notebook)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    upload = SimpleUploadedFile("mine.ipynb", _upload_bytes(notebook))
    response = client.post(SUBMIT, {"notebook": upload})
    assert response.status_code == 400, response.status_code
    assert word in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name", list(BAD_NOTEBOOKS))
def test_bad_notebooks_are_a_notebook_error(exercise, learner, name) -> None:
    change, word = BAD_NOTEBOOKS[name]
    notebook = _filled(exercise)
    change(notebook)
    with pytest.raises(ApplicationError, match=word):
        services.submission_create(
            user=learner, exercise=exercise, notebook=_upload_bytes(notebook)
        )
    assert Submission.objects.count() == 0


def test_the_filled_release_itself_is_accepted(exercise, learner) -> None:
    submission = services.submission_create(
        user=learner, exercise=exercise, notebook=_upload_bytes(_filled(exercise))
    )
    assert submission.answers == {"answer": GOOD_ANSWER}


def test_deeply_nested_json_is_a_notebook_error() -> None:
    with pytest.raises(NotebookError, match="not a Jupyter notebook|cannot be read"):
        read_notebook(b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_an_author_notebook_with_a_bad_cell_is_refused_with_the_cell_named() -> None:
    notebook = {
        "cells": [
            {"cell_type": "code", "source": 3, "metadata": {}, "outputs": [], "id": "c1"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with pytest.raises(NotebookError, match=r"cell 1: `source` must be text"):
        classify(read_notebook(json.dumps(notebook)))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ({"answer": "x = '\ud800'"}, "Surrogate characters are not allowed"),
        ({"answer": "x = 1\x00"}, "Null characters are not allowed"),
    ],
    ids=["surrogate", "nul"],
)
def test_bad_code_through_the_api_is_a_400(exercise, learner, code, message) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(learner)
    response = client.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        data=json.dumps({"code": code}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert message in json.dumps(response.json()["fields"])
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"code"',
        b"null",
        b'{"code": []}',
        b'{"code": {"answer": ["x"]}}',
        b'{"code": ' + b"[" * 100_000 + b"}",
        b'{"code": {"answer": "x = 1e999"}, "extra": 1' + b"0" * 5000 + b"}",
    ],
    ids=[
        "list",
        "string",
        "null",
        "code-a-list",
        "code-a-list-of-strings",
        "deep-nesting",
        "5000-digit-int",
    ],
)
def test_api_bodies_of_the_wrong_shape_are_a_400(exercise, learner, body) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(learner)
    response = client.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    assert Submission.objects.count() == 0
