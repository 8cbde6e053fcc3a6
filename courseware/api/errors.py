"""The REST API's errors, all in one shape: problem details (RFC 9457).

Every refusal answers `application/problem+json`:
`{"type", "title", "status", "detail", "fields"?, "error"}`. `type` is a stable URI per kind
of problem (a tag URI: it names the problem, nothing is served there), `title` its short
summary, `detail` what went wrong with this request and `fields` the message lists per input
field of a refused body or query. `error` repeats `detail`: API clients written before
problem details read it.

`ApplicationError` (the app's one error type) keeps its message and status code; DRF's own
errors (authentication, permission, parsing, validation, not found) are reshaped the same way.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from courseware.errors import ApplicationError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "tag:academy,2026:problem:"

# The kind of problem by status, for errors that name none of their own.
_KIND_BY_STATUS = {
    400: "invalid-request",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "request-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}


def problem_type(status: int) -> str:
    return PROBLEM_TYPE_BASE + _KIND_BY_STATUS.get(status, "error")


def problem_body(
    *, status: int, detail: str, fields: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem details object (also used by views that answer an error themselves)."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if fields:
        body["fields"] = fields
    body.update(extra)
    body["error"] = detail
    return body


def _field_messages(data: Any) -> dict[str, Any]:
    """DRF's validation errors as {field: [message, ...]}, nested fields kept nested."""
    if isinstance(data, dict):
        return {str(key): _field_messages(value) for key, value in data.items()}
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return [str(item) for item in data]  # type: ignore[return-value]
        return [_field_messages(item) for item in data]  # type: ignore[return-value]
    return [str(data)]  # type: ignore[return-value]


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for name, value in fields.items():
            message = _first_message(value)
            return message if name == "non_field_errors" else f"{name}: {message}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    if isinstance(fields, str):
        return fields
    return "Invalid input."


def _problem_response(body: dict[str, Any], headers: Any = None) -> Response:
    response = Response(body, status=body["status"], headers=headers)
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body = problem_body(status=exc.status_code, detail=exc.message, **exc.extra)
        return _problem_response(body)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        name: value
        for name, value in response.headers.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, ValidationError):
        fields = _field_messages(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        body = problem_body(
            status=response.status_code, detail=_first_message(fields), fields=fields
        )
    elif isinstance(exc, APIException) and isinstance(response.data, dict):
        body = problem_body(status=response.status_code, detail=str(response.data.get("detail")))
    else:
        body = problem_body(status=response.status_code, detail=str(response.data))
    return _problem_response(body, headers)


class ProblemSerializer(serializers.Serializer[Any]):
    """The schema of every error response (see the module docstring)."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField(help_text="A short summary of that kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request.")
    # DRF takes declared fields off the class, so this one does not hide `Serializer.fields`.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False,
        child=serializers.JSONField(),
        help_text="Per input field, the list of what is wrong with it.",
    )
    error = serializers.CharField(help_text="The same as `detail`, for older clients.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 (config.urls.handler404): a problem for a path under /api/ that names no
    endpoint (an API client reads JSON, not the HTML page), Django's own page elsewhere."""
    if request.path.startswith("/api/"):
        body = problem_body(status=404, detail="No such API endpoint or object.")
        return JsonResponse(body, status=404, content_type=PROBLEM_MEDIA_TYPE)
    return defaults.page_not_found(request, exception or Http404())
