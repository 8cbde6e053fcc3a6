"""The late policy's pure rules: days late, the penalty and its reason, the time-left phrase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deadlines.policy import (
    ON_TIME,
    LateRule,
    days_late,
    late_penalty,
    time_left_text,
)

DUE = datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
PENALTY = LateRule(kind="penalty", percent_per_day=10, cap_percent=25)


@pytest.mark.parametrize(
    ("after", "days"),
    [
        (timedelta(0), 0),
        (-timedelta(hours=5), 0),
        (timedelta(seconds=1), 1),
        (timedelta(hours=24), 1),
        (timedelta(hours=24, seconds=1), 2),
        (timedelta(days=6, hours=1), 7),
    ],
)
def test_days_late_counts_every_started_day(after, days) -> None:
    assert days_late(due_at=DUE, submitted_at=DUE + after) == days


def test_no_due_date_and_on_time_work_have_no_penalty() -> None:
    assert late_penalty(rule=PENALTY, due_at=None, submitted_at=DUE) == ON_TIME
    assert late_penalty(rule=PENALTY, due_at=DUE, submitted_at=DUE) == ON_TIME
    assert not ON_TIME.is_late


def test_penalty_per_day_late() -> None:
    penalty = late_penalty(rule=PENALTY, due_at=DUE, submitted_at=DUE + timedelta(hours=30))

    assert (penalty.fraction, penalty.days_late, penalty.is_late) == (0.2, 2, True)
    assert penalty.reason == "Submitted 2 days late: 10% per day late, 20% taken off."
    assert penalty.applied_to(0.5) == pytest.approx(0.4)


def test_penalty_is_capped() -> None:
    penalty = late_penalty(rule=PENALTY, due_at=DUE, submitted_at=DUE + timedelta(days=9))

    assert penalty.fraction == 0.25
    assert (
        penalty.reason == "Submitted 9 days late: 10% per day late, capped at 25%, 25% taken off."
    )


def test_accepting_late_work_costs_nothing_but_says_it_was_late() -> None:
    penalty = late_penalty(
        rule=LateRule(kind="accept"), due_at=DUE, submitted_at=DUE + timedelta(minutes=1)
    )

    assert (penalty.fraction, penalty.days_late) == (0.0, 1)
    assert penalty.reason == (
        "Submitted 1 day late: this course accepts late work without a penalty."
    )


def test_closed_course_counts_late_work_that_got_in_as_nothing() -> None:
    penalty = late_penalty(
        rule=LateRule(kind="close"), due_at=DUE, submitted_at=DUE + timedelta(days=3)
    )

    assert penalty.fraction == 1.0
    assert penalty.applied_to(0.9) == 0.0
    assert penalty.reason == (
        "Submitted 3 days late: this course does not accept late work, so it does not count."
    )


@pytest.mark.parametrize(
    ("now", "closed", "text"),
    [
        (DUE - timedelta(days=2, hours=3), False, "due in 2 days"),
        (DUE - timedelta(hours=1), True, "due in 1 hour"),
        (DUE - timedelta(seconds=30), False, "due in less than a minute"),
        (DUE + timedelta(hours=3, minutes=10), True, "closed 3 hours ago"),
        (DUE + timedelta(minutes=5), False, "due 5 minutes ago"),
    ],
)
def test_time_left_text(now, closed, text) -> None:
    assert time_left_text(due_at=DUE, now=now, closed=closed) == text
