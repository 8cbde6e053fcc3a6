"""The hourly limit on what a learner sends for one exercise: one rule, two limits (graded
submissions and practice runs), each named once below with its setting and its refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from courseware.errors import ApplicationError

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class HourlyLimit:
    """`setting` names the limit (0 or less: none); `sent_at` is the column that dates a row;
    `refusal` is the 429's message, formatted with the limit, the minutes to wait, and an "s"
    for each of them where it is not one (`limit_s`, `minutes_s`)."""

    setting: str
    sent_at: str
    refusal: str

    def message(self, *, limit: int, minutes: int) -> str:
        return self.refusal.format(
            limit=limit,
            minutes=minutes,
            limit_s="s" if limit != 1 else "",
            minutes_s="s" if minutes != 1 else "",
        )


SUBMISSIONS = HourlyLimit(
    setting="GRADING_SUBMISSIONS_PER_HOUR",
    sent_at="created_at",
    refusal=(
        "You have used all {limit} graded submissions for this exercise in the last hour. "
        "You can submit again in {minutes} minute{minutes_s}."
    ),
)
PRACTICE_RUNS = HourlyLimit(
    setting="GRADING_PRACTICE_RUNS_PER_HOUR",
    sent_at="queued_at",
    refusal=(
        "You have run the visible tests {limit} time{limit_s} for this exercise in the last "
        "hour. You can run them again in {minutes} minute{minutes_s}."
    ),
)


def hourly_limit_check(*, rule: HourlyLimit, sent: QuerySet[Any]) -> None:
    """Refuse with a 429 when `sent` (the learner's rows for the exercise) already holds the
    limit's number of rows dated within the last hour, saying how many minutes until the oldest
    of them leaves the window. Call inside the transaction that inserts, with the learner
    locked, so that parallel requests cannot all pass the same count."""
    limit: int = getattr(settings, rule.setting)
    if limit <= 0:
        return
    recent = sent.filter(**{f"{rule.sent_at}__gte": timezone.now() - WINDOW})
    if recent.count() < limit:
        return
    oldest = recent.order_by(rule.sent_at).values_list(rule.sent_at, flat=True)[0]
    wait = oldest + WINDOW - timezone.now()
    minutes = max(1, int(wait.total_seconds() // 60) + 1)
    raise ApplicationError(rule.message(limit=limit, minutes=minutes), status_code=429)
