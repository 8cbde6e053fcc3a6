"""The dashboard's pages and its extension action in the permission matrix: each x the six
kinds of visitor of tests/courseware/test_permission_matrix.py (same people, same two courses).
Teaching staff see the dashboard and learner pages and grant extensions; a refusal changes
nothing, and no learner is reached through another course."""

from __future__ import annotations

from typing import Any

import pytest

from courseware.models import Module
from dashboard.models import SimilarityRun
from deadlines.models import Extension
from grading.models import Exercise, Submission, SubmissionComment
from tests.courseware import test_permission_matrix as matrix

people = matrix.people
VISITORS = matrix.VISITORS
TEACHING_STAFF_ONLY = matrix.TEACHING_STAFF_ONLY
_client = matrix._client


def dashboard_state() -> dict[str, list[tuple[Any, ...]]]:
    return {
        **matrix.membership_state(),
        "extensions": list(
            Extension.objects.order_by("pk").values_list("user_id", "module_id", "due_at", "reason")
        ),
        "comments": list(
            SubmissionComment.objects.order_by("pk").values_list("submission", "text")
        ),
        "similarity": list(
            SimilarityRun.objects.order_by("pk").values_list("exercise", "status", "requested_at")
        ),
    }


@pytest.fixture
def submission(people) -> Submission:
    exercise = Exercise.objects.create(
        module=Module.objects.get(course__slug="mini", slug="basics"),
        slug="softmax",
        title="Softmax",
        source_notebook={},
        release_notebook={},
        max_points=5,
        content_hash="x",
    )
    return Submission.objects.create(
        exercise=exercise, user=people["student"], kind="code", payload="", answers={}
    )


def _endpoints(people: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], int]]:
    student = people["student"].pk
    listing = "/courses/mini/dashboard/exercises/basics/softmax/submissions/"
    submission_pk = Submission.objects.get().pk
    module = Module.objects.get(course__slug="mini", slug="basics")
    grant = {"item": f"module:{module.pk}", "due_at": "2030-01-01T09:00", "reason": "Ill"}
    learner_page = f"/courses/mini/dashboard/learners/{student}/"
    return {
        "dashboard": ("get", "/courses/mini/dashboard/", {}, 200),
        "dashboard filtered": ("get", "/courses/mini/dashboard/?days=3&failures=2", {}, 200),
        "learner page": ("get", learner_page, {}, 200),
        "extension": ("post", f"{learner_page}extensions/", grant, 302),
        "submissions": ("get", f"{listing}?latest=on&status=failed", {}, 200),
        "similarity": ("get", listing.replace("submissions/", "similarity/"), {}, 200),
        "similarity compute": (
            "post",
            listing.replace("submissions/", "similarity/compute/"),
            {},
            302,
        ),
        "comment": ("post", f"{listing}{submission_pk}/comments/", {"text": "Nice"}, 302),
    }


ENDPOINTS = [
    "dashboard",
    "dashboard filtered",
    "learner page",
    "extension",
    "submissions",
    "similarity",
    "similarity compute",
    "comment",
]
REDIRECTS = {
    "extension": "/courses/mini/dashboard/learners/{student}/",
    "comment": "/courses/mini/dashboard/exercises/basics/softmax/submissions/#submission-{pk}",
    "similarity compute": "/courses/mini/dashboard/exercises/basics/softmax/similarity/",
}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_dashboard_pages_and_actions(people, submission, endpoint, visitor) -> None:
    method, path, data, status = _endpoints(people)[endpoint]
    before = dashboard_state()

    response = getattr(_client(people[visitor]), method)(path, data)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path.split('?')[0]}"
    elif visitor in {"ta", "instructor"}:
        assert response.status_code == status
        if method == "post":
            expected = REDIRECTS[endpoint].format(student=people["student"].pk, pk=submission.pk)
            assert response.url == expected
            assert dashboard_state() != before
        return
    else:
        assert response.status_code == 403
        assert TEACHING_STAFF_ONLY in response.content.decode()
    assert dashboard_state() == before


def test_another_course_reaches_no_learner_of_this_one(people, submission) -> None:
    student = people["student"].pk
    module = Module.objects.get(course__slug="mini", slug="basics")
    client = _client(people["other_instructor"])
    before = dashboard_state()

    page = client.get(f"/courses/other/dashboard/learners/{student}/")
    grant = client.post(
        f"/courses/other/dashboard/learners/{student}/extensions/",
        {"item": f"module:{module.pk}", "due_at": "2030-01-01T09:00", "reason": "Taken over"},
    )

    listing = client.get("/courses/other/dashboard/exercises/basics/softmax/submissions/")
    comment = client.post(
        f"/courses/other/dashboard/exercises/basics/softmax/submissions/{submission.pk}/comments/",
        {"text": "Hello from elsewhere"},
    )
    compare = client.post("/courses/other/dashboard/exercises/basics/softmax/similarity/compute/")

    assert [r.status_code for r in (page, grant, listing, comment, compare)] == [404] * 5
    assert dashboard_state() == before


def test_the_dashboard_lists_only_its_own_course(people) -> None:
    html = _client(people["other_instructor"]).get("/courses/other/dashboard/").content

    assert b">other_learner</a>" in html
    for name in (b"learner", b"student"):
        assert b">" + name + b"</a></th>" not in html
