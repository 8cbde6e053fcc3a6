"""Structured JSON logs (structlog) carrying who and what a line is about.

Every log line, from structlog or the standard `logging` calls of Django, Celery and our code,
goes through one formatter that adds the context bound in this process's context variables:
`request_id` and `user_id` (bound per web request by RequestContextMiddleware), and in a worker
the same two plus `grading_run_id` and `task_id` (read from the task's headers, which
`before_task_publish` filled from the context of the process that queued it). So a grading's
worker lines name the web request that queued it.

This module is imported by the settings (for LOGGING) and must not import Django models.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse

# The context that travels from the web request to the task, as task headers of these names.
CARRIED = ("request_id", "user_id", "grading_run_id")
HEADER_PREFIX = "academy_"
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming request id (from the proxy or a client) is kept only if it looks like one.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, level: str, json_lines: bool) -> dict[str, Any]:
    """The LOGGING dict of the settings, and structlog's own configuration (done once here so
    that every process that reads the settings logs the same way)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": SHARED_PROCESSORS,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
    }


def new_request_id(incoming: str | None) -> str:
    if incoming and REQUEST_ID_PATTERN.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Binds a request id (the proxy's X-Request-ID if it sent a sane one) to every log line of
    the request, then the user's id once authentication has run; answers with the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        structlog.contextvars.clear_contextvars()
        request_id = new_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.clear_contextvars()
        response[REQUEST_ID_HEADER] = request_id
        return response

    def process_view(self, request: HttpRequest, *_: object) -> None:
        # After every middleware's request phase: request.user is known by now.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            structlog.contextvars.bind_contextvars(user_id=user.pk)


@contextmanager
def bound_to_run(run_pk: int) -> Iterator[None]:
    """Within this block, log lines and queued tasks carry this grading run's id."""
    with structlog.contextvars.bound_contextvars(grading_run_id=run_pk):
        yield


def headers_from_context() -> dict[str, Any]:
    """The carried context, as task headers."""
    context = structlog.contextvars.get_contextvars()
    return {HEADER_PREFIX + key: context[key] for key in CARRIED if context.get(key) is not None}


def context_from_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: headers[HEADER_PREFIX + key]
        for key in CARRIED
        if headers.get(HEADER_PREFIX + key) is not None
    }
