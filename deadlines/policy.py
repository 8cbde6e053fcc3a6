"""Pure rules of the late policy: no database, no clock of their own.

`late_penalty(rule, due_at, submitted_at)` says how much of a score a late piece of work loses
and why, in words the learner reads; the raw score is never changed, the caller applies the
fraction. `time_left_text(due_at, now, closed)` is the "due in 2 days" / "closed 3 hours ago"
phrase shown beside every due date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext, ngettext

DAY = timedelta(days=1)

ACCEPT = "accept"
PENALTY = "penalty"
CLOSE = "close"


@dataclass(frozen=True)
class LateRule:
    """A course's late policy: `kind` is accept, penalty or close (CoursePolicy.Late)."""

    kind: str
    percent_per_day: int = 0
    cap_percent: int = 100


@dataclass(frozen=True)
class LatePenalty:
    """What lateness costs: `fraction` of the score taken off (0 to 1), and why."""

    fraction: float
    reason: str
    days_late: int

    @property
    def is_late(self) -> bool:
        return self.days_late > 0

    def applied_to(self, score: float) -> float:
        """The score after the penalty (the raw score is kept by the caller)."""
        return score * (1.0 - self.fraction)


ON_TIME = LatePenalty(fraction=0.0, reason="", days_late=0)


def days_late(*, due_at: datetime, submitted_at: datetime) -> int:
    """Whole days started after the due date: a minute late is one day, 24 h 1 min are two."""
    if submitted_at <= due_at:
        return 0
    return math.ceil((submitted_at - due_at) / DAY)


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def late_penalty(*, rule: LateRule, due_at: datetime | None, submitted_at: datetime) -> LatePenalty:
    """The penalty for work handed in at `submitted_at` against `due_at` (None: no due date)."""
    if due_at is None:
        return ON_TIME
    late = days_late(due_at=due_at, submitted_at=submitted_at)
    if late == 0:
        return ON_TIME
    handed_in = f"Submitted {_days(late)} late"
    if rule.kind == PENALTY:
        uncapped = rule.percent_per_day * late
        percent = min(uncapped, rule.cap_percent)
        capped = f", capped at {rule.cap_percent}%" if uncapped > rule.cap_percent else ""
        return LatePenalty(
            fraction=percent / 100,
            reason=f"{handed_in}: {rule.percent_per_day}% per day late{capped}, "
            f"{percent}% taken off.",
            days_late=late,
        )
    if rule.kind == CLOSE:
        # Late work is refused at the door; work that got in anyway (the policy changed after
        # it was handed in) does not count, and says so.
        return LatePenalty(
            fraction=1.0,
            reason=f"{handed_in}: this course does not accept late work, so it does not count.",
            days_late=late,
        )
    return LatePenalty(
        fraction=0.0,
        reason=f"{handed_in}: this course accepts late work without a penalty.",
        days_late=late,
    )


def _span(delta: timedelta) -> str:
    """A rounded-down, readable length of time: "2 days", "3 hours", "5 minutes"."""
    seconds = int(delta.total_seconds())
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if seconds >= 60:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return gettext("less than a minute")


def time_left_text(*, due_at: datetime, now: datetime, closed: bool) -> str:
    """ "due in 2 days", "due 3 hours ago", or "closed 3 hours ago" when late work is refused."""
    if due_at > now:
        return gettext("due in %(span)s") % {"span": _span(due_at - now)}
    if closed:
        return gettext("closed %(span)s ago") % {"span": _span(now - due_at)}
    return gettext("due %(span)s ago") % {"span": _span(now - due_at)}
