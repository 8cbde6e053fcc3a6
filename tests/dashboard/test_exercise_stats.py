"""An exercise's statistics: pass rate per test cell, failure messages of visible tests, the
hidden tests most often failed, the best-score distribution and the submissions to pass."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dashboard.selectors.exercise_stats import exercise_stats
from grading.models import GradingRun, Submission
from tests.dashboard.conftest import client_of, enrol, submit


def _failing_visible(exercise, user, at, message: str) -> None:
    submission = Submission.objects.create(
        exercise=exercise, user=user, kind="code", payload="", answers={"softmax": "pass"}
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=at)
    GradingRun.objects.create(
        submission=submission,
        status=GradingRun.Status.GRADED,
        points=0.0,
        max_points=5.0,
        feedback={
            "cells": [
                {
                    "grade_id": "test_small",
                    "points": 0.0,
                    "max_points": 1.0,
                    "passed": False,
                    "traceback": f"Traceback (most recent call last):\n  line 3\n{message}\n",
                },
                {
                    "grade_id": "test_hidden",
                    "points": 0.0,
                    "max_points": 4.0,
                    "passed": False,
                    "hidden": True,
                },
            ]
        },
    )


def test_the_numbers_of_an_exercise(built, cohort, instructor):
    now = timezone.now()
    exercise = built.exercises[built.modules[0].pk][0]
    ada = enrol(built, "ada", cohort=cohort, since=now)
    bob = enrol(built, "bob", cohort=cohort, since=now)
    cy = enrol(built, "cy", cohort=cohort, since=now)
    # ada passes on her 3rd, bob on his 1st, cy never (best 1 of 5).
    _failing_visible(exercise, ada, now - timedelta(hours=5), "NameError: name 'np' is not defined")
    submit(exercise, ada, code="a", points=1.0, at=now - timedelta(hours=4), hidden_fails=True)
    submit(exercise, ada, code="b", points=5.0, at=now - timedelta(hours=3), hidden_fails=False)
    submit(exercise, bob, code="c", points=5.0, at=now - timedelta(hours=2), hidden_fails=False)
    _failing_visible(exercise, cy, now - timedelta(hours=2), "NameError: name 'np' is not defined")
    _failing_visible(exercise, cy, now - timedelta(hours=1), "AssertionError: wrong shape")
    submit(exercise, cy, code="d", points=1.0, at=now, hidden_fails=True)

    stats = exercise_stats(exercise=exercise)

    assert (stats.graded_submissions, stats.learners, stats.passed_learners) == (7, 3, 2)
    assert [(c.grade_id, c.hidden, c.passed, c.graded) for c in stats.cells] == [
        ("test_small", False, 4, 7),
        ("test_hidden", True, 2, 7),
    ]
    assert stats.failure_messages == [
        ("NameError: name 'np' is not defined", 2),
        ("AssertionError: wrong shape", 1),
    ]
    assert stats.hidden_failures == [("test_hidden", 5)]
    assert [b.learners for b in stats.distribution] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 2]
    assert stats.median_submissions_to_pass == 2  # ada 3, bob 1

    html = (
        client_of(instructor)
        .get("/courses/dash/dashboard/exercises/m1/ex1/submissions/")
        .content.decode()
    )
    assert 'id="median-to-pass">2</strong>' in html
    assert "<code>NameError: name &#x27;np&#x27; is not defined</code> (2)" in html


def test_an_exercise_without_gradings(built):
    stats = exercise_stats(exercise=built.exercises[built.modules[0].pk][0])

    assert (stats.graded_submissions, stats.cells, stats.median_submissions_to_pass) == (
        0,
        [],
        None,
    )
