"""The CSV exports: streamed, the layout an LMS imports, exact values, formulas neutralised."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse

from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, ExerciseProgress
from gradebook import services
from gradebook.penalties import Penalty
from grading.models import GradingRun, Submission
from tests.courseware.factories import UserFactory
from tests.gradebook.conftest import client_of

GRADEBOOK = "/courses/gb/teach/gradebook/export.csv"
SUBMISSIONS = "/courses/gb/teach/gradebook/exercises/m1/ex1/submissions.csv"


def _read(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gb-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_gradebook_csv(built, instructor) -> None:
    monday = Cohort.objects.create(course=built.course, name="=Monday")
    zoe = UserFactory(username="zoe", email="zoe@example.org", first_name="Zoë", last_name="-Z")
    enrol_with_role(user_id=zoe.pk, course=built.course, cohort=monday)
    ExerciseProgress.objects.create(
        user=zoe, module=built.modules[0], exercise_key="ex1", best_points=2.5, max_points=5.0
    )
    services.grade_override_set(
        course=built.course,
        learner_pk=zoe.pk,
        item_key="quiz:m2",
        score=0.9,
        reason="Oral exam",
        by_pk=instructor.pk,
    )

    rows = _read(client_of(instructor).get(GRADEBOOK))

    assert rows == [
        [
            "First name",
            "Last name",
            "Username",
            "Email address",
            "Cohort",
            "Status",
            "Module 1: Lessons read (Real)",
            "Module 1: Quiz 1 (Real)",
            "Module 1: Exercise 1.1 (Real)",
            "Module 2: Lessons read (Real)",
            "Module 2: Quiz 2 (Real)",
            "Module 2: Exercise 2.1 (Real)",
            "Course total (Real)",
        ],
        [
            "Zoë",
            "'-Z",
            "zoe",
            "zoe@example.org",
            "'=Monday",
            "active",
            "",
            "",
            "50.00",
            "",
            "90.00",
            "",
            "23.33",
        ],
    ]


def test_gradebook_csv_follows_the_filters(built, instructor) -> None:
    for name in ("ann", "ben"):
        enrol_with_role(user_id=UserFactory(username=name).pk, course=built.course)

    rows = _read(client_of(instructor).get(f"{GRADEBOOK}?q=ben"))

    assert [row[2] for row in rows[1:]] == ["ben"]


def test_submissions_csv(built, instructor) -> None:
    exercise = built.exercises[built.modules[0].pk][0]
    ann = UserFactory(username="ann", email="ann@example.org")
    enrol_with_role(user_id=ann.pk, course=built.course)
    first = Submission.objects.create(
        exercise=exercise, user=ann, kind="code", payload="", answers={}
    )
    GradingRun.objects.create(submission=first, number=1, status=GradingRun.Status.FAILED)
    GradingRun.objects.create(
        submission=first,
        number=2,
        reason="regrade",
        status=GradingRun.Status.GRADED,
        points=3.0,
        max_points=5.0,
        feedback={
            "cells": [
                {"grade_id": "test_small", "points": 1.0},
                {"grade_id": "test_large_logits", "points": 2.0},
                {"grade_id": "test_batched", "points": 0.0},
            ]
        },
    )
    Submission.objects.create(exercise=exercise, user=ann, kind="code", payload="", answers={})
    Submission.objects.filter(pk=first.pk).update(created_at="2026-01-02T03:04:05Z")

    rows = _read(client_of(instructor).get(SUBMISSIONS))

    assert rows[0] == [
        "Username",
        "Email address",
        "Role",
        "Submission",
        "Submitted at (UTC)",
        "Grading status",
        "Points",
        "Max points",
        "test_small (points)",
        "test_large_logits (points)",
        "test_batched (points)",
        "Late",
        "Late penalty (%)",
        "Late reason",
    ]
    assert rows[1] == [
        "ann",
        "ann@example.org",
        "learner",
        str(first.pk),
        "2026-01-02 03:04:05",
        "graded",
        "3",
        "5",
        "1",
        "2",
        "0",
        "no",
        "",
        "",
    ]
    assert rows[2][:3] == ["ann", "ann@example.org", "learner"]
    assert rows[2][5:] == ["", "", "", "", "", "", "no", "", ""]
    assert len(rows) == 3


def test_an_exercise_of_another_course_is_not_found(built, instructor) -> None:
    from tests.gradebook.builder import build_course

    build_course(slug="other")

    response = client_of(instructor).get(
        "/courses/gb/teach/gradebook/exercises/m1/ex9/submissions.csv"
    )

    assert response.status_code == 404


def test_submissions_csv_flags_what_the_hook_calls_late(built, instructor, monkeypatch) -> None:
    exercise = built.exercises[built.modules[0].pk][0]
    ann = UserFactory(username="ann", email="ann@example.org")
    enrol_with_role(user_id=ann.pk, course=built.course)
    on_time = Submission.objects.create(
        exercise=exercise, user=ann, kind="code", payload="", answers={}
    )
    late = Submission.objects.create(
        exercise=exercise, user=ann, kind="code", payload="", answers={}
    )

    def after_the_first(*, course, checks):
        assert {check.item_key for check in checks} == {"exercise:m1:ex1"}
        return {
            check: Penalty(fraction=0.1, is_late=True, reason="=2 days late")
            for check in checks
            if check.done_at == late.created_at
        }

    monkeypatch.setattr("gradebook.selectors.submissions.late_penalties", after_the_first)

    rows = _read(client_of(instructor).get(SUBMISSIONS))

    assert [(row[3], row[-3:]) for row in rows[1:]] == [
        (str(on_time.pk), ["no", "", ""]),
        (str(late.pk), ["yes", "10", "'=2 days late"]),
    ]
