"""Middleware of the whole site: request bodies are capped before anything reads them.

Django reads an upload whole (to memory or a temporary file) before a view can look at its size,
so a 30 MB post cost 30 MB of reading before the 2 MB check refused it. This middleware, first in
the stack, refuses a body whose declared length is over `REQUEST_BODY_MAX_BYTES` without reading
a byte of it, and wraps the input stream so that a body of unknown length (chunked) cannot feed
more than the cap either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestBodyTooLarge(RequestDataTooBig):
    """Raised by the capped stream when a body runs past the cap."""


class _CappedStream:
    """The request's input stream, failing once more than `limit` bytes have been read."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.read_bytes = 0
        self.exceeded = False

    def _count(self, chunk: bytes) -> bytes:
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limit:
            self.exceeded = True
            raise RequestBodyTooLarge("The request body is larger than the cap.")
        return chunk

    def read(self, size: int | None = -1, /) -> bytes:
        # Never ask for more than one byte past the cap: an unbounded read is the attack.
        allowed = self.limit + 1 - self.read_bytes
        if size is None or size < 0 or size > allowed:
            size = allowed
        return self._count(self.stream.read(size))

    def readline(self, size: int | None = -1, /) -> bytes:
        allowed = self.limit + 1 - self.read_bytes
        if size is None or size < 0 or size > allowed:
            size = allowed
        return self._count(self.stream.readline(size))

    def __iter__(self) -> _CappedStream:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """413 for a body over the cap, before it is read; see the module docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.REQUEST_BODY_MAX_BYTES
        too_large = (
            f"The request is larger than {_megabytes(limit)}, the most this site accepts "
            "(notebooks: 2 MB)."
        )
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared:
            if not declared.isdigit():
                return _refusal(request, "The request's Content-Length is not a number.", 400)
            if int(declared) > limit:
                return _refusal(request, too_large, 413)
        stream = _CappedStream(request._stream, limit)  # type: ignore[attr-defined]
        request._stream = stream  # type: ignore[attr-defined,assignment]
        try:
            response = self.get_response(request)
        except RequestBodyTooLarge:
            return _refusal(request, too_large, 413)
        # Below this middleware Django turns the stream's error into a 400; say what it was.
        if stream.exceeded:
            return _refusal(request, too_large, 413)
        return response
