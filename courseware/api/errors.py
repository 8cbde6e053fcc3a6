"""The REST API's exception handler: every error is JSON `{"error": message}` with a 4xx.

`ApplicationError` (the app's one error type) keeps its message and status code; DRF's own
errors (authentication, parsing, validation) are reshaped to the same form.
"""

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from courseware.errors import ApplicationError


def _message(data: Any) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    if isinstance(data, list) and data:
        return str(data[0])
    return "Invalid input."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        message = exc.message
        return Response({"error": message, "detail": message, **exc.extra}, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    message = _message(response.data)
    body: dict[str, Any] = {"error": message, "detail": message}
    if isinstance(response.data, dict) and "detail" not in response.data:
        body["fields"] = response.data
    response.data = body
    return response
