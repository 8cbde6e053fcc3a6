"""The deadlines pages and actions (issue 13) x every kind of visitor, as in
test_permission_matrix: instructors set due dates and the policy; instructors and TAs see the
page and grant or revoke extensions. A refused request changes nothing, and no id reaches
another course through a course the visitor does teach."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from deadlines import services
from deadlines.models import CoursePolicy, DueDate, Extension, QuizPolicy
from tests.courseware.test_permission_matrix import (
    INSTRUCTORS_ONLY,
    TEACHING_STAFF_ONLY,
    VISITORS,
    _client,
    people,  # noqa: F401 (a fixture)
)

TEACH = "/courses/mini/teach/deadlines"


@pytest.fixture
def dated(people, quiz) -> dict[str, Any]:  # noqa: F811
    course = people["member"].course
    services.due_date_set(
        course=course, item=quiz, cohort=None, due_at=timezone.now(), set_by_id=None
    )
    extension = services.extension_grant(
        course=course,
        item=quiz,
        learner_id=people["student"].pk,
        due_at=timezone.now() + timedelta(days=2),
        reason="Ill",
        granted_by_id=people["instructor"].pk,
    )
    return {**people, "quiz": quiz, "extension": extension}


def deadline_state() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "dates": list(DueDate.objects.order_by("pk").values_list("quiz_id", "cohort_id", "due_at")),
        "extensions": list(
            Extension.objects.order_by("pk").values_list("user_id", "quiz_id", "due_at", "reason")
        ),
        "policies": list(CoursePolicy.objects.order_by("pk").values_list("course_id", "late")),
        "quiz policies": list(QuizPolicy.objects.values_list("quiz_id", "answer_reveal")),
    }


def _endpoints(dated: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], set[str], int]]:
    quiz = f"quiz:{dated['quiz'].pk}"
    staff, instructors = {"ta", "instructor"}, {"instructor"}
    return {
        "deadlines page": ("get", f"{TEACH}/", {}, staff, 200),
        "due date set": (
            "post",
            f"{TEACH}/due/",
            {"item": quiz, "cohort": str(dated["cohort"].pk), "due_at": "2026-12-24T12:00"},
            instructors,
            302,
        ),
        "due date clear": ("post", f"{TEACH}/due/clear/", {"item": quiz}, instructors, 302),
        "policy": (
            "post",
            f"{TEACH}/policy/",
            {
                "late": "close",
                "penalty_percent_per_day": "0",
                "penalty_cap_percent": "0",
                "answer_reveal": "due",
            },
            instructors,
            302,
        ),
        "quiz answers": (
            "post",
            f"{TEACH}/quiz-answers/",
            {"item": quiz, "answer_reveal": "always"},
            instructors,
            302,
        ),
        "extension grant": (
            "post",
            f"{TEACH}/extensions/",
            {
                "learner": str(dated["student"].pk),
                "item": quiz,
                "due_at": "2026-12-24T12:00",
                "reason": "Conference",
            },
            staff,
            302,
        ),
        "extension revoke": (
            "post",
            f"{TEACH}/extensions/{dated['extension'].pk}/revoke/",
            {},
            staff,
            302,
        ),
    }


ENDPOINTS = [
    "deadlines page",
    "due date set",
    "due date clear",
    "policy",
    "quiz answers",
    "extension grant",
    "extension revoke",
]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_deadline_pages_and_actions(dated, endpoint, visitor) -> None:
    method, path, data, allowed, status = _endpoints(dated)[endpoint]
    before = deadline_state()

    response = getattr(_client(dated[visitor]), method)(path, data)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path}"
    elif visitor in allowed:
        assert response.status_code == status
        if method == "post":
            assert response.url == f"{TEACH}/"
            assert deadline_state() != before
        return
    else:
        assert response.status_code == 403
        expected = TEACHING_STAFF_ONLY if allowed == {"ta", "instructor"} else INSTRUCTORS_ONLY
        assert expected in response.content.decode()
    assert deadline_state() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/courses/other/teach/deadlines/due/",
            {"item": "quiz:{quiz}", "due_at": "2026-12-24T12:00"},
        ),
        ("/courses/other/teach/deadlines/due/clear/", {"item": "quiz:{quiz}"}),
        (
            "/courses/other/teach/deadlines/quiz-answers/",
            {"item": "quiz:{quiz}", "answer_reveal": "always"},
        ),
        ("/courses/other/teach/deadlines/extensions/{extension}/revoke/", {}),
        (
            "/courses/other/teach/deadlines/extensions/",
            {
                "learner": "{student}",
                "item": "quiz:{quiz}",
                "due_at": "2026-12-24T12:00",
                "reason": "x",
            },
        ),
    ],
)
def test_an_instructor_cannot_reach_another_course_through_their_own(dated, path, data) -> None:
    ids = {
        "quiz": dated["quiz"].pk,
        "extension": dated["extension"].pk,
        "student": dated["student"].pk,
    }
    before = deadline_state()

    response = _client(dated["other_instructor"]).post(
        path.format(**ids), {key: value.format(**ids) for key, value in data.items()}
    )

    assert response.status_code == 404
    assert deadline_state() == before


def test_the_page_shows_only_its_own_course(dated) -> None:
    html = (
        _client(dated["other_instructor"]).get("/courses/other/teach/deadlines/").content.decode()
    )

    assert "Ill" not in html and 'data-username="student"' not in html
    assert f"quiz:{dated['quiz'].pk}" not in html


def test_a_ta_sees_no_due_date_or_policy_form(dated) -> None:
    html = _client(dated["ta"]).get(f"{TEACH}/").content.decode()

    assert 'id="due-form"' not in html and 'id="policy-form"' not in html
    assert 'id="extension-form"' in html
    assert "teaching assistants grant extensions" in html
