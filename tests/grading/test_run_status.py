"""The submission page's live status: a JSON poll of the latest grading, for its learner (and
staff) only, with exact fields; and the page itself no longer reloads while JavaScript runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from grading import services
from grading.models import Exercise, GradingRun, Submission
from tests.grading.exercise_factory import make_exercise

FIELDS = {
    "status",
    "status_display",
    "finished",
    "place",
    "elapsed_seconds",
    "limit_seconds",
    "html",
}


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path, limits={"wall_seconds": 20, "memory_mb": 512})


@pytest.fixture
def submission(exercise, learner) -> Submission:
    return services.submission_create(user=learner, exercise=exercise, code={"answer": "x = 1\n"})


def _url(submission: Submission, page: str = "status/") -> str:
    return f"/exercises/test-course/stable-softmax/submissions/{submission.pk}/{page}"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queued_run_reports_its_place_and_time_in_line(submission, learner) -> None:
    run = submission.runs.get()
    GradingRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(seconds=7))
    response = _client(learner).get(_url(submission))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == FIELDS
    assert data["status"] == "queued"
    assert data["status_display"] == "Queued"
    assert data["finished"] is False
    assert data["place"] == {
        "status": "queued",
        "ahead": 0,
        "position": 1,
        "text": "Queued: position 1 in line (0 gradings ahead).",
    }
    assert 7 <= data["elapsed_seconds"] <= 9
    assert data["limit_seconds"] == 20
    assert 'id="status" data-status="queued"' in data["html"]
    assert "Queued: position 1 in line" in data["html"]


def test_running_run_counts_from_its_claim(submission, learner) -> None:
    run = submission.runs.get()
    now = timezone.now()
    GradingRun.objects.filter(pk=run.pk).update(
        status=GradingRun.Status.RUNNING,
        queued_at=now - timedelta(seconds=60),
        claimed_at=now - timedelta(seconds=12),
    )
    data = _client(learner).get(_url(submission)).json()
    assert (data["status"], data["finished"], data["place"]) == ("running", False, None)
    assert 12 <= data["elapsed_seconds"] <= 14


def test_graded_run_carries_the_result_as_the_page_renders_it(submission, learner) -> None:
    run = submission.runs.get()
    now = timezone.now()
    GradingRun.objects.filter(pk=run.pk).update(
        status=GradingRun.Status.GRADED,
        claimed_at=now - timedelta(seconds=3),
        finished_at=now,
        points=3,
        max_points=5,
        feedback={
            "cells": [
                {
                    "grade_id": "test_sums_to_one",
                    "passed": True,
                    "points": 3,
                    "max_points": 3,
                    "hidden": False,
                },
                {
                    "grade_id": "test_large_logits",
                    "passed": False,
                    "points": 0,
                    "max_points": 2,
                    "hidden": True,
                },
            ]
        },
    )
    client = _client(learner)
    data = client.get(_url(submission)).json()
    assert (data["status"], data["status_display"], data["finished"]) == ("graded", "Graded", True)
    assert data["place"] is None
    assert data["elapsed_seconds"] == 3
    run.refresh_from_db()
    page = client.get(_url(submission, page=""))
    expected = render_to_string(
        "grading/_run_result.html",
        {"run": run, "submission": submission, "pending": False, "place": None},
        request=page.wsgi_request,
    )
    assert data["html"] == expected
    assert '<p class="score" id="score"><strong>3 / 5</strong> points</p>' in data["html"]
    # The page shows the same block, and nothing on it polls or reloads once graded.
    html = page.content.decode()
    assert expected in html
    assert "data-status-url" not in html and 'http-equiv="refresh"' not in html


def test_pending_page_polls_instead_of_reloading(submission, learner) -> None:
    html = _client(learner).get(_url(submission, page="")).content.decode()
    assert f'data-status-url="{_url(submission)}"' in html
    assert '<script src="/static/js/submission-status.js" defer></script>' in html
    # Without JavaScript the page still refreshes itself; with it, the meta tag is inert.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'role="status" aria-live="polite"' in html


def test_only_the_learner_and_staff_see_the_status(submission, other_learner, staff_user) -> None:
    assert _client(other_learner).get(_url(submission)).status_code == 404
    assert _client(staff_user).get(_url(submission)).status_code == 200
    anonymous = Client().get(_url(submission))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_status_of_another_exercises_submission_is_not_found(submission, learner, tmp_path):
    make_exercise(tmp_path / "other", slug="other-exercise")
    url = f"/exercises/test-course/other-exercise/submissions/{submission.pk}/status/"
    assert _client(learner).get(url).status_code == 404
