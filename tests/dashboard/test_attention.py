"""Who the dashboard lists under "needs attention", and why: idle learners, many failed
submissions on one exercise without a pass, and learners behind their cohort's median."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.errors import ApplicationError
from dashboard.selectors.attention import AttentionRules, needs_attention
from dashboard.selectors.heatmap import active_learners, course_heatmap
from tests.dashboard.conftest import enrol, read_all, submit

DEFAULT_RULES = AttentionRules()


def _listed(built, rules=DEFAULT_RULES):
    heatmap = course_heatmap(course=built.course, enrolments=active_learners(course=built.course))
    return {
        entry.enrolment.user.get_username(): entry.reasons
        for entry in needs_attention(course=built.course, heatmap=heatmap, rules=rules)
    }


def test_each_rule_lists_its_learner_with_the_reason(built, cohort) -> None:
    now = timezone.now()
    long_ago = now - timedelta(days=30)
    exercise = built.exercises[built.modules[0].pk][0]
    for name in ("busy1", "busy2", "busy3"):
        busy = enrol(built, name, cohort=cohort, since=long_ago)
        read_all(built, busy, at=now - timedelta(hours=2))
    idle = enrol(built, "idle", cohort=cohort, since=long_ago)
    read_all(built, idle, at=now - timedelta(days=12))
    stuck = enrol(built, "stuck", cohort=cohort, since=long_ago)
    read_all(built, stuck, at=now - timedelta(days=1))
    for n in range(5):
        submit(
            exercise,
            stuck,
            code=f"x = {n}",
            points=1.0,
            at=now - timedelta(hours=n),
            hidden_fails=True,
        )
    enrol(built, "newcomer", cohort=cohort, since=now - timedelta(days=1))
    enrol(built, "absent", cohort=cohort, since=long_ago)

    listed = _listed(built)

    assert listed["idle"] == ["No activity for 12 days"]
    assert listed["stuck"] == [
        "5 failed submissions on “Exercise 1.1”, none passed",
    ]
    assert listed["absent"] == [
        "No activity since enrolling 30 days ago",
        "Behind: 0% done, the median of Monday is 33%",
    ]
    # Enrolled yesterday and not started: behind, but not idle yet.
    assert listed["newcomer"] == ["Behind: 0% done, the median of Monday is 33%"]
    assert not {"busy1", "busy2", "busy3"} & set(listed)


def test_a_pass_after_failures_takes_the_learner_off_the_list(built, cohort) -> None:
    now = timezone.now()
    exercise = built.exercises[built.modules[0].pk][0]
    learner = enrol(built, "finally", cohort=cohort, since=now - timedelta(days=3))
    read_all(built, learner, at=now)
    for n in range(6):
        submit(
            exercise,
            learner,
            code=f"x = {n}",
            points=2.0,
            at=now - timedelta(hours=9 - n),
            hidden_fails=True,
        )
    assert "6 failed submissions on “Exercise 1.1”, none passed" in _listed(built)["finally"]

    submit(exercise, learner, code="x = 'right'", points=5.0, at=now, hidden_fails=False)

    assert "finally" not in _listed(built)


def test_the_rules_follow_the_query_string(built, cohort) -> None:
    now = timezone.now()
    learner = enrol(built, "quiet", cohort=cohort, since=now - timedelta(days=30))
    read_all(built, learner, at=now - timedelta(days=3))

    assert "quiet" not in _listed(built)
    assert _listed(built, AttentionRules.from_params({"days": "2"}))["quiet"] == [
        "No activity for 3 days"
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"days": "0"}, "“days” must be a whole number from 1 to 365."),
        ({"days": "soon"}, "“days” must be a whole number from 1 to 365."),
        ({"failures": "-3"}, "“failures” must be a whole number from 1 to 1000."),
        ({"behind": "250"}, "“behind” must be a whole number from 1 to 100."),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(params, message) -> None:
    with pytest.raises(ApplicationError) as refused:
        AttentionRules.from_params(params)

    assert refused.value.message == message
