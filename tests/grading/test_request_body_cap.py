"""Request bodies are capped before anything reads them: a 30 MB upload is answered 413 with
the body unread, and no view runs; a body that arrives without a length is cut at the cap."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from grading.models import Exercise, Submission
from tests.grading.exercise_factory import make_exercise

SUBMIT = "/exercises/test-course/stable-softmax/submit/"
THIRTY_MB = 30 * 1024 * 1024


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def test_the_cap_is_above_the_largest_legitimate_upload() -> None:
    # The one upload limit (grading.notebooks.read_notebook checks it).
    from grading.notebooks import MAX_NOTEBOOK_BYTES as largest

    assert largest < settings.REQUEST_BODY_MAX_BYTES <= 2 * largest
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES
    assert settings.MIDDLEWARE[0] == "config.middleware.RequestBodyLimitMiddleware"


def test_a_30_mb_upload_is_refused_and_nothing_is_stored(exercise, learner) -> None:
    client = Client()
    client.force_login(learner)
    upload = SimpleUploadedFile("big.ipynb", b" " * THIRTY_MB)
    response = client.post(SUBMIT, {"notebook": upload})
    assert response.status_code == 413
    assert b"The request is larger than 3 MB" in response.content
    assert Submission.objects.count() == 0


def test_an_upload_under_the_cap_still_reaches_the_view(exercise, learner) -> None:
    client = Client()
    client.force_login(learner)
    release = json.loads(json.dumps(exercise.release_notebook))
    for cell in release["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "answer":
            cell["source"] = "def softmax(x):\n    return x\n"
    upload = SimpleUploadedFile("mine.ipynb", json.dumps(release).encode())
    response = client.post(SUBMIT, {"notebook": upload})
    assert response.status_code == 302
    assert Submission.objects.count() == 1


class _CountingInput(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def test_the_server_answers_before_reading_the_body(exercise, learner) -> None:
    """Through the real WSGI handler: not one byte of the 30 MB is read."""
    body = _CountingInput(b"x" * THIRTY_MB)
    environ = RequestFactory().post(SUBMIT, data=b"", content_type="application/octet-stream")
    environ = dict(environ.environ)
    environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(THIRTY_MB)})
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], *args: object) -> None:
        statuses.append(status)

    # As Django's test client does: the handler's end-of-request signal would close the test's
    # database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        content = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["413 Request Entity Too Large"]
    assert b"larger than 3 MB" in content
    assert body.bytes_read == 0
    assert Submission.objects.count() == 0


def test_an_api_request_gets_the_refusal_as_json(exercise, learner) -> None:
    client = Client()
    client.force_login(learner)
    response = client.post(
        f"/api/grading/exercises/{exercise.pk}/submissions/",
        data=b"{" + b" " * THIRTY_MB + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"].startswith("The request is larger than 3 MB")
    assert Submission.objects.count() == 0


def test_a_body_without_a_length_is_cut_at_the_cap() -> None:
    """A server that hands on a body of unknown length (chunked) cannot feed more than the cap
    to a view: the read fails and the answer is 413."""
    from config.middleware import RequestBodyLimitMiddleware

    read: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        read.append(len(request.body))
        return HttpResponse("read")

    request = RequestFactory().post("/anything/", data=b"", content_type="text/plain")
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(b"y" * (settings.REQUEST_BODY_MAX_BYTES + 10))  # type: ignore[attr-defined]
    response = RequestBodyLimitMiddleware(view)(request)
    assert response.status_code == 413
    assert read == []


def test_a_malformed_length_is_a_400() -> None:
    from config.middleware import RequestBodyLimitMiddleware

    request = RequestFactory().post("/anything/", data=b"abc", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = "12abc"
    response = RequestBodyLimitMiddleware(lambda request: HttpResponse("ran"))(request)
    assert response.status_code == 400
