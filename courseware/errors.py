"""The application's single error type, mapped to a clear 4xx response by views and the API."""

from typing import Any, TypeVar

from django.utils.translation import gettext

T = TypeVar("T")


class ApplicationError(Exception):
    """A request the application refuses, with a message meant for the person who made it."""

    def __init__(
        self, message: str, *, status_code: int = 400, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.extra = extra or {}


def learner_id(user: Any) -> int:
    """The primary key of a logged-in user; refuses anonymous visitors."""
    if not user.is_authenticated or user.pk is None:
        raise ApplicationError(gettext("Please log in first."), status_code=403)
    return int(user.pk)


def found_or_404(found: T | None, message: str) -> T:
    """What a selector found, or a 404 with `message` (e.g. "No such quiz.") when it found
    nothing: the one way the views and the API say that a thing they were asked for is not
    there (or not the asker's to see)."""
    if found is None:
        raise ApplicationError(message, status_code=404)
    return found
