"""The kept-attempt rule that the progress table and the gradebook share."""

from datetime import UTC, datetime

from courseware.models import Quiz
from courseware.selectors.progress import kept_attempt

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
TUESDAY = datetime(2026, 1, 6, tzinfo=UTC)
WEDNESDAY = datetime(2026, 1, 7, tzinfo=UTC)
ATTEMPTS = [(TUESDAY, 0.9), (MONDAY, 0.9), (WEDNESDAY, 0.4)]


def test_best_keeps_the_earliest_of_equal_best_scores() -> None:
    assert kept_attempt(keep=Quiz.Keep.BEST, attempts=ATTEMPTS) == (MONDAY, 0.9)


def test_last_keeps_the_latest_attempt() -> None:
    assert kept_attempt(keep=Quiz.Keep.LAST, attempts=ATTEMPTS) == (WEDNESDAY, 0.4)
