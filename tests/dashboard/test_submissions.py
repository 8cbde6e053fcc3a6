"""An exercise's submissions for its staff: filters (learner, cohort, status, latest per
learner), pages past any cap, hidden-test results, and comments the learner then reads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from grading.models import Exercise, SubmissionComment
from tests.dashboard.conftest import client_of, enrol, submit

LIST = "/courses/dash/dashboard/exercises/m1/ex1/submissions/"


@pytest.fixture
def work(built, cohort):
    """ada (Monday): a failed then a passed submission; bob (no cohort): one failed."""
    now = timezone.now()
    exercise = built.exercises[built.modules[0].pk][0]
    # The learner's submission page finds an exercise by its slug within the course.
    Exercise.objects.filter(module=built.modules[1]).update(slug="other")
    ada = enrol(built, "ada", cohort=cohort, since=now - timedelta(days=3))
    bob = enrol(built, "bob", cohort=None, since=now - timedelta(days=3))
    first = submit(
        exercise, ada, code="x = 1", points=1.0, at=now - timedelta(hours=3), hidden_fails=True
    )
    second = submit(
        exercise, ada, code="x = 2", points=5.0, at=now - timedelta(hours=2), hidden_fails=False
    )
    third = submit(
        exercise, bob, code="x = 3", points=1.0, at=now - timedelta(hours=1), hidden_fails=True
    )
    return {"exercise": exercise, "ada": ada, "bob": bob, "subs": (first, second, third)}


def _listed(instructor, query: str = "") -> list[tuple[str, int]]:
    response = client_of(instructor).get(f"{LIST}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return [
        (name, int(pk))
        for pk, name in re.findall(r'id="submission-(\d+)" data-learner="(\w+)"', html)
    ]


def test_filters_and_latest_per_learner(work, cohort, instructor):
    first, second, third = (s.pk for s in work["subs"])

    assert _listed(instructor) == [("bob", third), ("ada", second), ("ada", first)]
    assert _listed(instructor, "learner=ad") == [("ada", second), ("ada", first)]
    assert _listed(instructor, f"cohort={cohort.pk}") == [("ada", second), ("ada", first)]
    assert _listed(instructor, "status=passed") == [("ada", second)]
    assert _listed(instructor, "status=failed") == [("bob", third), ("ada", first)]
    assert _listed(instructor, "latest=on") == [("bob", third), ("ada", second)]
    assert _listed(instructor, "latest=on&status=failed") == [("bob", third)]


def test_staff_see_hidden_results(work, instructor):
    html = client_of(instructor).get(LIST).content.decode()

    assert "<strong>failed</strong> <code>test_hidden</code> (hidden) 0/4" in html


def test_pages_reach_past_the_first(work, built, instructor, monkeypatch):
    monkeypatch.setattr("dashboard.selectors.submissions.PER_PAGE", 2)

    assert len(_listed(instructor)) == 2
    assert _listed(instructor, "page=2") == [("ada", work["subs"][0].pk)]
    refused = client_of(instructor).get(f"{LIST}?page=9")
    assert refused.status_code == 400
    assert "There is no page “9” of these submissions." in refused.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [("status=odd", "Unknown status “odd”"), ("cohort=x", "This course has no such cohort.")],
)
def test_bad_filters_are_a_clear_400(work, instructor, query, message):
    response = client_of(instructor).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_comment_reaches_the_learner(work, instructor):
    submission = work["subs"][2]

    response = client_of(instructor).post(
        f"{LIST}{submission.pk}/comments/",
        {"text": "Check the axis of your sum.", "filters": "status=failed&evil=//x.org"},
    )

    assert response.status_code == 302
    assert response.url == f"{LIST}?status=failed#submission-{submission.pk}"
    comment = SubmissionComment.objects.get()
    assert (comment.submission_id, comment.author, comment.text) == (
        submission.pk,
        instructor,
        "Check the axis of your sum.",
    )
    learner_page = client_of(work["bob"]).get(f"/exercises/dash/ex1/submissions/{submission.pk}/")
    assert learner_page.status_code == 200
    assert "Check the axis of your sum." in learner_page.content.decode()
    assert "Comments from your teachers" in learner_page.content.decode()


def test_a_blank_comment_is_refused_and_nothing_is_saved(work, instructor):
    submission = work["subs"][2]

    response = client_of(instructor).post(f"{LIST}{submission.pk}/comments/", {"text": "  "})

    assert response.status_code == 400
    assert "A comment needs some text." in response.content.decode()
    assert not SubmissionComment.objects.exists()
