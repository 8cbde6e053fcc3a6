"""Who needs attention: no activity for some days, many failed submissions on one exercise
without a pass, or well behind the median of their cohort.

The thresholds come from the page's query string within fixed bounds; a learner is listed once,
with every reason that applies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Course, Enrolment
from dashboard.selectors.activity import last_activity, struggles
from dashboard.selectors.heatmap import Heatmap


@dataclass(frozen=True)
class AttentionRules:
    idle_days: int = 7
    failed_submissions: int = 5
    behind_by: float = 0.25  # completion this far below the cohort's median (0..1)

    @classmethod
    def from_params(cls, params: dict[str, str]) -> AttentionRules:
        """The rules from `days`, `failures` and `behind` (percent); a bad value is a 400."""

        def number(name: str, default: int, low: int, high: int) -> int:
            text = params.get(name, "").strip()
            if not text:
                return default
            if not text.isdigit() or not low <= int(text) <= high:
                raise ApplicationError(
                    gettext("“%(name)s” must be a whole number from %(low)s to %(high)s.")
                    % {"name": name, "low": low, "high": high}
                )
            return int(text)

        return cls(
            idle_days=number("days", cls.idle_days, 1, 365),
            failed_submissions=number("failures", cls.failed_submissions, 1, 1000),
            behind_by=number("behind", round(cls.behind_by * 100), 1, 100) / 100,
        )


@dataclass
class Attention:
    enrolment: Enrolment
    completion: float
    last_active: datetime | None
    reasons: list[str] = field(default_factory=list)


def _days(moment: timedelta) -> int:
    return moment.days


def needs_attention(
    *, course: Course, heatmap: Heatmap, rules: AttentionRules, now: datetime | None = None
) -> list[Attention]:
    """The learners of the heatmap who match a rule, the most reasons first."""
    now = now or timezone.now()
    user_ids = [row.enrolment.user_id for row in heatmap.rows]
    active = last_activity(course=course, user_ids=user_ids)
    failing = struggles(course=course, user_ids=user_ids, failed_at_least=rules.failed_submissions)
    by_cohort: dict[int | None, list[float]] = defaultdict(list)
    for row in heatmap.rows:
        by_cohort[row.enrolment.cohort_id].append(row.completion)
    medians = {cohort_id: median(shares) for cohort_id, shares in by_cohort.items()}
    idle_after = timedelta(days=rules.idle_days)
    listed = []
    for row in heatmap.rows:
        enrolment = row.enrolment
        seen = active.get(enrolment.user_id)
        entry = Attention(enrolment=enrolment, completion=row.completion, last_active=seen)
        if seen is None:
            if now - enrolment.created_at >= idle_after:
                entry.reasons.append(
                    f"No activity since enrolling {_days(now - enrolment.created_at)} days ago"
                )
        elif now - seen >= idle_after:
            entry.reasons.append(f"No activity for {_days(now - seen)} days")
        for struggle in failing.get(enrolment.user_id, []):
            entry.reasons.append(
                f"{struggle.failed} failed submissions on “{struggle.exercise.title}”, none passed"
            )
        cohort_median = medians[enrolment.cohort_id]
        if cohort_median - row.completion >= rules.behind_by:
            cohort = enrolment.cohort.name if enrolment.cohort else "learners without a cohort"
            entry.reasons.append(
                f"Behind: {round(row.completion * 100)}% done, the median of {cohort} is "
                f"{round(cohort_median * 100)}%"
            )
        if entry.reasons:
            listed.append(entry)
    listed.sort(
        key=lambda entry: (
            -len(entry.reasons),
            entry.completion,
            entry.enrolment.user.get_username(),
        )
    )
    return listed
