"""Late penalties as the gradebook reads them: the one hook the deadlines app fills.

Every score the gradebook shows goes raw score -> penalty -> kept score (then a manual override,
if any, replaces the kept score; the raw score is always kept and shown). The penalty is read
through `late_penalties` only, for many (learner, item) pairs at once, so the gradebook and the
exports stay within a bounded number of queries whatever the number of learners.

HOOK FOR THE DEADLINES APP (the merger wires it): today no course has deadlines, so
`late_penalties` reports nothing late and the gradebook applies no penalty. Once `deadlines/`
lands, this function asks it, in a fixed number of queries per call, for each check:
whether `done_at` fell after the learner's due date for the item (cohort date, extension
included), and the penalty the course's late policy gives (a share of the score, capped,
with a reason the learner is shown). A check whose item has no due date is simply left out
of the answer. Nothing else in the gradebook changes when it is filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from courseware.models import Course


@dataclass(frozen=True)
class LateCheck:
    """One question to the deadlines app: was this work on this item late, and by how much?

    `done_at` is when the counted work was done: the kept quiz attempt's submission, the time
    the best exercise score was reached, the last lesson read of the module, or a submission's
    time in the submissions export. None: nothing done yet (never late).
    """

    user_id: int
    item_key: str
    done_at: datetime | None


@dataclass(frozen=True)
class Penalty:
    """What a late policy takes off a raw score: `fraction` of it (0..1), and why."""

    fraction: float = 0.0
    is_late: bool = False
    reason: str = ""

    def apply(self, raw: float | None) -> float | None:
        """The score kept after the penalty (None stays None: nothing to penalise)."""
        if raw is None:
            return None
        return raw * (1.0 - min(max(self.fraction, 0.0), 1.0))


NO_PENALTY = Penalty()


def late_penalties(*, course: Course, checks: Sequence[LateCheck]) -> dict[LateCheck, Penalty]:
    """The penalty of each check that is late; checks left out are on time (NO_PENALTY).

    The hook the deadlines app fills (see the module docstring). Until then: no deadlines,
    nothing is late, no penalty, no query.
    """
    return {}
