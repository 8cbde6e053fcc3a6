"""Every instructor page, action and API endpoint of courseware x every kind of visitor.

Two courses: `mini` (the one under test) and `other`, each with its own instructor and learner,
so a refusal also proves that a role in one course opens nothing in the other. Each refused
request must leave the membership tables exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from certificates.models import Certificate
from certificates.services import certificate_issue
from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, Course, CourseRole, Enrolment, Invitation
from tests.certificates.conftest import finish_course
from tests.courseware.factories import CourseFactory, UserFactory

VISITORS = ("anonymous", "learner", "other_learner", "ta", "other_instructor", "instructor")
TEACHING_STAFF_ONLY = "This page is for the instructors and teaching assistants of this course."
INSTRUCTORS_ONLY = "This page is for the instructors of this course."


@pytest.fixture
def people(course, quiz) -> dict[str, Any]:
    other = CourseFactory(slug="other", title="Other course")
    users: dict[str, Any] = {"anonymous": None}
    for name, target, role in [
        ("learner", course, CourseRole.LEARNER),
        ("ta", course, CourseRole.TEACHING_ASSISTANT),
        ("instructor", course, CourseRole.INSTRUCTOR),
        ("other_learner", other, CourseRole.LEARNER),
        ("other_instructor", other, CourseRole.INSTRUCTOR),
    ]:
        users[name] = UserFactory(username=name)
        enrol_with_role(user_id=users[name].pk, course=target, role=role)
    users["student"] = UserFactory(username="student", email="student@example.org")
    users["cohort"] = Cohort.objects.create(course=course, name="Monday")
    users["member"] = enrol_with_role(user_id=users["student"].pk, course=course)
    users["other_course"] = other
    return users


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def membership_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row the instructor actions could change, in a comparable form."""
    return {
        "courses": list(
            Course.objects.order_by("pk").values_list("slug", "self_enrolment", "join_code")
        ),
        "cohorts": list(
            Cohort.objects.order_by("pk").values_list("course_id", "name", "join_code")
        ),
        "enrolments": list(
            Enrolment.objects.order_by("pk").values_list(
                "user_id", "course_id", "role", "status", "cohort_id"
            )
        ),
        "invitations": list(Invitation.objects.order_by("pk").values_list("course_id", "email")),
    }


# (name, method, path, data, roles that are let in, status when let in)
def _endpoints(people: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], set[str], int]]:
    member, cohort = people["member"].pk, people["cohort"].pk
    staff = {"ta", "instructor"}
    instructors = {"instructor"}
    teach = "/courses/mini/teach"
    return [
        ("dashboard", "get", "/courses/mini/dashboard/", {}, staff, 200),
        ("quiz analysis", "get", "/courses/mini/dashboard/quizzes/basics/", {}, staff, 200),
        ("roster", "get", f"{teach}/roster/", {}, staff, 200),
        ("enrol page", "get", f"{teach}/enrol/", {}, instructors, 200),
        (
            "enrol by list",
            "post",
            f"{teach}/enrol/",
            {"entries": "other_learner\nnew@example.org", "role": "learner"},
            instructors,
            302,
        ),
        ("cohort create", "post", f"{teach}/cohorts/", {"name": "Tuesday"}, instructors, 302),
        (
            "cohort rename",
            "post",
            f"{teach}/cohorts/{cohort}/rename/",
            {"name": "Wednesday"},
            instructors,
            302,
        ),
        (
            "self-enrolment off",
            "post",
            f"{teach}/settings/",
            {"action": "self_enrolment"},
            instructors,
            302,
        ),
        (
            "join code",
            "post",
            f"{teach}/settings/",
            {"action": "regenerate_code", "cohort": str(cohort)},
            instructors,
            302,
        ),
        (
            "move",
            "post",
            f"{teach}/members/{member}/",
            {"action": "move", "cohort": str(cohort)},
            instructors,
            302,
        ),
        ("drop", "post", f"{teach}/members/{member}/", {"action": "drop"}, instructors, 302),
        (
            "role",
            "post",
            f"{teach}/members/{member}/",
            {"action": "role", "role": "ta"},
            instructors,
            302,
        ),
    ]


ENDPOINT_NAMES = [
    "dashboard",
    "quiz analysis",
    "roster",
    "enrol page",
    "enrol by list",
    "cohort create",
    "cohort rename",
    "self-enrolment off",
    "join code",
    "move",
    "drop",
    "role",
]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", ENDPOINT_NAMES)
def test_instructor_pages_and_actions(people, endpoint, visitor) -> None:
    name, method, path, data, allowed, status = next(
        row for row in _endpoints(people) if row[0] == endpoint
    )
    before = membership_state()

    response = getattr(_client(people[visitor]), method)(path, data)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path}"
    elif visitor in allowed:
        assert response.status_code == status
        if method == "post":
            assert response.url == "/courses/mini/teach/roster/"
            assert membership_state() != before
        return
    else:
        assert response.status_code == 403
        expected = TEACHING_STAFF_ONLY if allowed == {"ta", "instructor"} else INSTRUCTORS_ONLY
        assert expected in response.content.decode()
    assert membership_state() == before


@pytest.mark.parametrize(
    ("visitor", "status"),
    [
        ("anonymous", 403),
        ("learner", 403),
        ("other_learner", 403),
        ("ta", 200),
        ("other_instructor", 403),
        ("instructor", 200),
    ],
)
def test_roster_api(people, visitor, status) -> None:
    response = _client(people[visitor]).get("/api/courses/mini/roster/")

    assert response.status_code == status
    if status == 403:
        assert "error" in response.json()
        return
    assert response.json() == {
        "course": "mini",
        "members": [
            {"username": "instructor", "role": "instructor", "cohort": None, "status": "active"},
            {"username": "ta", "role": "ta", "cohort": None, "status": "active"},
            {"username": "learner", "role": "learner", "cohort": None, "status": "active"},
            {"username": "student", "role": "learner", "cohort": None, "status": "active"},
        ],
    }


def test_staff_flag_alone_opens_no_course_page(people) -> None:
    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)

    for path in ("/courses/mini/dashboard/", "/courses/mini/teach/roster/"):
        assert _client(operator).get(path).status_code == 403


def test_a_dropped_instructor_loses_the_pages(people) -> None:
    second = UserFactory(username="second")
    enrol_with_role(user_id=second.pk, course=people["member"].course, role=CourseRole.INSTRUCTOR)
    Enrolment.objects.filter(user=people["instructor"]).update(status=Enrolment.Status.DROPPED)

    assert _client(people["instructor"]).get("/courses/mini/teach/roster/").status_code == 403
    assert _client(second).get("/courses/mini/teach/roster/").status_code == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/courses/other/teach/members/{member}/", {"action": "drop"}),
        ("/courses/other/teach/members/{member}/", {"action": "role", "role": "instructor"}),
        ("/courses/other/teach/cohorts/{cohort}/rename/", {"name": "Taken over"}),
        ("/courses/other/teach/settings/", {"action": "regenerate_code", "cohort": "{cohort}"}),
    ],
)
def test_an_instructor_cannot_reach_another_course_through_their_own(people, path, data) -> None:
    ids = {"member": people["member"].pk, "cohort": people["cohort"].pk}
    before = membership_state()

    response = _client(people["other_instructor"]).post(
        path.format(**ids), {key: value.format(**ids) for key, value in data.items()}
    )

    assert response.status_code == 404
    assert membership_state() == before


def test_the_roster_lists_only_its_own_course(people) -> None:
    html = _client(people["other_instructor"]).get("/courses/other/teach/roster/").content.decode()

    assert 'data-username="other_learner"' in html
    assert 'data-username="other_instructor"' in html
    for name in ("learner", "ta", "instructor", "student"):
        assert f'data-username="{name}"' not in html
    assert "Monday" not in html


def test_instructor_sees_row_actions_and_ta_does_not(people) -> None:
    instructor_html = _client(people["instructor"]).get("/courses/mini/teach/roster/")
    ta_html = _client(people["ta"]).get("/courses/mini/teach/roster/")

    assert b'value="drop"' in instructor_html.content
    assert b"Create cohort" in instructor_html.content
    assert b'value="drop"' not in ta_html.content
    assert b"Create cohort" not in ta_html.content
    assert b"Only instructors change the roster and the settings." in ta_html.content


def test_header_links_follow_the_course_role(people) -> None:
    assert b">Roster</a>" in _client(people["ta"]).get("/courses/mini/").content
    assert b">Roster</a>" not in _client(people["learner"]).get("/courses/mini/").content
    assert b">Roster</a>" not in _client(people["other_instructor"]).get("/courses/mini/").content


# ------------------------------------------------------------- certificates (issue 12)
# The certificate list is for teaching staff, revoking for instructors; a refused revoke
# leaves every certificate as it was, and no role in `other` reaches a certificate of `mini`.


def certificate_state() -> list[tuple[Any, ...]]:
    return list(
        Certificate.objects.order_by("pk").values_list(
            "user_id", "course_id", "code", "revoked_at", "revoked_by_id", "revoke_reason"
        )
    )


@pytest.fixture
def issued(people) -> Certificate:
    course = people["member"].course
    finish_course(people["learner"], course)
    return certificate_issue(user=people["learner"], course=course)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(
    ("method", "path", "allowed", "status"),
    [
        ("get", "/courses/mini/teach/certificates/", {"ta", "instructor"}, 200),
        ("post", "/courses/mini/teach/certificates/{pk}/revoke/", {"instructor"}, 302),
    ],
)
def test_certificate_list_and_revoke(people, issued, visitor, method, path, allowed, status):
    path = path.format(pk=issued.pk)
    before = certificate_state()

    response = getattr(_client(people[visitor]), method)(path, {"reason": "Copied"})

    if visitor == "anonymous":
        assert (response.status_code, response.url) == (302, f"/accounts/login/?next={path}")
    elif visitor in allowed:
        assert response.status_code == status
        if method == "post":
            assert response.url == "/courses/mini/teach/certificates/"
            issued.refresh_from_db()
            assert (issued.is_revoked, issued.revoked_by, issued.revoke_reason) == (
                True,
                people[visitor],
                "Copied",
            )
        return
    else:
        assert response.status_code == 403
        expected = TEACHING_STAFF_ONLY if "ta" in allowed else INSTRUCTORS_ONLY
        assert expected in response.content.decode()
    assert certificate_state() == before


def test_an_instructor_cannot_revoke_another_courses_certificate_through_their_own(people, issued):
    before = certificate_state()

    response = _client(people["other_instructor"]).post(
        f"/courses/other/teach/certificates/{issued.pk}/revoke/", {"reason": "Taken over"}
    )

    assert response.status_code == 404
    assert certificate_state() == before


@pytest.mark.parametrize("visitor", VISITORS)
def test_the_completion_rule_is_for_instructors(people, visitor):
    path = "/courses/mini/teach/settings/"
    data = {"action": "completion", "quiz_percent": "90", "exercise_percent": "90"}
    before = list(Course.objects.order_by("pk").values_list("completion_quiz_percent", flat=True))

    response = _client(people[visitor]).post(path, data)

    after = list(Course.objects.order_by("pk").values_list("completion_quiz_percent", flat=True))
    if visitor == "instructor":
        assert (response.status_code, after) == (302, [90, 60])
        return
    assert response.status_code == (302 if visitor == "anonymous" else 403)
    assert after == before
