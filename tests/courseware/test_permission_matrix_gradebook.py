"""The gradebook's pages, actions and exports in the permission matrix: each x the six kinds of
visitor of tests/courseware/test_permission_matrix.py (same people, same two courses). TAs see,
export and override; only instructors change the weights. A refusal changes nothing, and no id
reaches into another course."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

from courseware.models import Module
from gradebook.models import CourseWeights, GradeOverride, ModuleWeight
from grading.models import Exercise
from tests.courseware import test_permission_matrix as matrix
from tests.grading.notebook_factory import softmax_notebook

# The same visitors, courses and refusal messages as the courseware matrix (`people` is its
# fixture, taken over here).
people = matrix.people
VISITORS = matrix.VISITORS
INSTRUCTORS_ONLY = matrix.INSTRUCTORS_ONLY
TEACHING_STAFF_ONLY = matrix.TEACHING_STAFF_ONLY
_client = matrix._client
membership_state = matrix.membership_state


def gradebook_state() -> dict[str, list[tuple[Any, ...]]]:
    return {
        **membership_state(),
        "weights": list(
            CourseWeights.objects.order_by("pk").values_list(
                "course_id", "lessons", "quizzes", "exercises"
            )
        ),
        "module_weights": list(ModuleWeight.objects.order_by("pk").values_list("module", "weight")),
        "overrides": list(
            GradeOverride.objects.order_by("pk").values_list("user_id", "item_key", "score")
        ),
    }


@pytest.fixture
def exercise(course) -> Exercise:
    return Exercise.objects.create(
        module=Module.objects.get(course=course, slug="basics"),
        slug="softmax",
        title="Softmax",
        source_notebook=nbformat.from_dict(softmax_notebook()),
        release_notebook={},
        max_points=5,
        content_hash="x",
    )


def _endpoints(people: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], set[str], int]]:
    book = "/courses/mini/teach/gradebook"
    student = people["student"].pk
    staff, instructors = {"ta", "instructor"}, {"instructor"}
    modules = {
        f"module_{pk}": "2"
        for pk in Module.objects.filter(course__slug="mini").values_list("pk", flat=True)
    }
    weights = {"lessons": "0", "quizzes": "2", "exercises": "3", **modules}
    override = {"item": "quiz:basics", "score": "75", "reason": "Oral exam"}
    return {
        "gradebook": ("get", f"{book}/", {}, staff, 200),
        "gradebook sorted": ("get", f"{book}/?sort=-total&status=all", {}, staff, 200),
        "gradebook export": ("get", f"{book}/export.csv", {}, staff, 200),
        "submissions export": (
            "get",
            f"{book}/exercises/basics/softmax/submissions.csv",
            {},
            staff,
            200,
        ),
        "learner grades": ("get", f"{book}/learners/{student}/", {}, staff, 200),
        "override": ("post", f"{book}/learners/{student}/override/", override, staff, 302),
        "weights page": ("get", f"{book}/weights/", {}, instructors, 200),
        "weights save": ("post", f"{book}/weights/", weights, instructors, 302),
    }


ENDPOINTS = [
    "gradebook",
    "gradebook sorted",
    "gradebook export",
    "submissions export",
    "learner grades",
    "override",
    "weights page",
    "weights save",
]
REDIRECTS = {
    "override": "/courses/mini/teach/gradebook/learners/{student}/",
    "weights save": "/courses/mini/teach/gradebook/",
}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_gradebook_pages_and_actions(people, exercise, endpoint, visitor) -> None:
    method, path, data, allowed, status = _endpoints(people)[endpoint]
    before = gradebook_state()

    response = getattr(_client(people[visitor]), method)(path, data)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path.split('?')[0]}"
    elif visitor in allowed:
        assert response.status_code == status
        if method == "post":
            assert response.url == REDIRECTS[endpoint].format(student=people["student"].pk)
            assert gradebook_state() != before
        return
    else:
        assert response.status_code == 403
        expected = TEACHING_STAFF_ONLY if allowed == {"ta", "instructor"} else INSTRUCTORS_ONLY
        assert expected in response.content.decode()
    assert gradebook_state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/courses/other/teach/gradebook/learners/{student}/",
        "/courses/other/teach/gradebook/exercises/basics/softmax/submissions.csv",
    ],
)
def test_another_course_reaches_nothing_of_this_one_by_url(people, exercise, path) -> None:
    response = _client(people["other_instructor"]).get(path.format(student=people["student"].pk))

    assert response.status_code == 404


def test_an_override_through_another_course_is_refused(people, exercise) -> None:
    before = gradebook_state()

    response = _client(people["other_instructor"]).post(
        f"/courses/other/teach/gradebook/learners/{people['student'].pk}/override/",
        {"item": "quiz:basics", "score": "100", "reason": "Taken over"},
    )

    assert response.status_code == 404
    assert gradebook_state() == before


def test_the_gradebook_lists_only_its_own_course(people) -> None:
    html = _client(people["other_instructor"]).get("/courses/other/teach/gradebook/").content

    assert b'data-username="other_learner"' in html
    for name in (b"learner", b"student"):
        assert b'data-username="' + name + b'"' not in html


def test_only_instructors_are_offered_the_weights(people) -> None:
    instructor = _client(people["instructor"]).get("/courses/mini/teach/gradebook/").content
    ta = _client(people["ta"]).get("/courses/mini/teach/gradebook/").content

    assert b"change the weights" in instructor
    assert b"change the weights" not in ta


def test_the_gradebook_is_linked_for_teaching_staff_only(people) -> None:
    for visitor, linked in [("ta", True), ("instructor", True), ("learner", False)]:
        for page in ("/courses/mini/", "/courses/mini/teach/roster/"):
            html = _client(people[visitor]).get(page).content
            if page.endswith("roster/") and not linked:
                continue
            assert (b'href="/courses/mini/teach/gradebook/">Gradebook</a>' in html) is linked
    dashboard = _client(people["ta"]).get("/courses/mini/dashboard/").content
    assert b'href="/courses/mini/teach/gradebook/"' in dashboard
