"""The gradebook's pages over HTTP: overrides and weights through their forms, bad input
refused with a clear message and nothing saved, paging, the learner page's history."""

from __future__ import annotations

import pytest

from courseware.enrolment import enrol_with_role
from gradebook.models import CourseWeights, GradeOverride, ModuleWeight
from tests.courseware.factories import UserFactory
from tests.gradebook.builder import add_learners
from tests.gradebook.conftest import client_of

BOOK = "/courses/gb/teach/gradebook"


@pytest.fixture
def ann(built):
    user = UserFactory(username="ann")
    enrol_with_role(user_id=user.pk, course=built.course)
    return user


def test_a_ta_overrides_and_the_learner_page_shows_it_with_its_history(built, ann, ta) -> None:
    client = client_of(ta)

    response = client.post(
        f"{BOOK}/learners/{ann.pk}/override/",
        {"item": "quiz:m1", "score": "62.5", "reason": "Re-marked question 3"},
    )

    assert response.status_code == 302
    (override,) = GradeOverride.objects.all()
    assert (override.user, override.item_key, override.score) == (ann, "quiz:m1", 0.625)
    assert (override.original_score, override.created_by) == (None, ta)
    html = client.get(f"{BOOK}/learners/{ann.pk}/").content.decode()
    assert "set to 62% (computed then –) by ta" in html
    assert "Re-marked question 3" in html
    assert "Withdraw override" in html
    table = client.get(f"{BOOK}/").content.decode()
    assert '<td data-item="quiz:m1">62% <strong class="small">override</strong>' in table


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item": "quiz:m1", "score": "101", "reason": "x"}, "less than or equal to 100"),
        ({"item": "quiz:m1", "score": "abc", "reason": "x"}, "Enter a number"),
        ({"item": "quiz:m1", "score": "50"}, "This field is required"),
        ({"item": "quiz:m1", "reason": "x"}, "Give a score from 0 to 100"),
        ({"item": "lessons:nowhere", "score": "50", "reason": "x"}, "no such gradebook item"),
    ],
)
def test_bad_overrides_get_a_clear_400_and_save_nothing(built, ann, ta, data, message) -> None:
    response = client_of(ta).post(f"{BOOK}/learners/{ann.pk}/override/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GradeOverride.objects.exists()


def test_an_override_for_a_user_outside_the_course_is_not_found(built, ta) -> None:
    stranger = UserFactory(username="stranger")

    response = client_of(ta).post(
        f"{BOOK}/learners/{stranger.pk}/override/",
        {"item": "quiz:m1", "score": "50", "reason": "x"},
    )

    assert response.status_code == 404
    assert client_of(ta).get(f"{BOOK}/learners/{stranger.pk}/").status_code == 404
    assert not GradeOverride.objects.exists()


def test_the_instructor_sets_weights(built, instructor) -> None:
    first, second = built.modules
    data = {
        "lessons": "0",
        "quizzes": "1.5",
        "exercises": "2",
        f"module_{first.pk}": "3",
        f"module_{second.pk}": "0",
    }

    response = client_of(instructor).post(f"{BOOK}/weights/", data)

    assert response.status_code == 302
    assert list(CourseWeights.objects.values_list("lessons", "quizzes", "exercises")) == [
        (0.0, 1.5, 2.0)
    ]
    assert dict(ModuleWeight.objects.values_list("module_id", "weight")) == {
        first.pk: 3.0,
        second.pk: 0.0,
    }
    form = client_of(instructor).get(f"{BOOK}/weights/").content.decode()
    assert f'name="module_{first.pk}" value="3.0"' in form


def test_bad_weights_are_refused_and_save_nothing(built, instructor) -> None:
    first, second = built.modules
    data = {
        "lessons": "-1",
        "quizzes": "1",
        "exercises": "",
        f"module_{first.pk}": "1",
        f"module_{second.pk}": "x",
    }

    response = client_of(instructor).post(f"{BOOK}/weights/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "greater than or equal to 0" in html
    assert "This field is required" in html
    assert "Enter a number" in html
    assert not CourseWeights.objects.exists()
    assert not ModuleWeight.objects.exists()


@pytest.mark.parametrize("page", ["/", "/export.csv"])
def test_bad_filters_are_a_clear_400_not_a_broken_download(built, ta, page) -> None:
    for query, message in [("sort=secret", "Unknown sort"), ("cohort=999999", "no such cohort")]:
        response = client_of(ta).get(f"{BOOK}{page}?{query}")

        assert response.status_code == 400
        assert not response.streaming
        assert message in response.content.decode()


def test_the_page_is_paged(built, ta) -> None:
    add_learners(built, count=55)
    client = client_of(ta)

    first = client.get(f"{BOOK}/?sort=name").content.decode()
    second = client.get(f"{BOOK}/?sort=name&page=2").content.decode()

    assert first.count("<tr data-username=") == 50
    assert second.count("<tr data-username=") == 5
    assert "55 learners, page 1 of 2." in first
    assert 'href="?sort=name&amp;page=2" rel="next"' in first
    assert 'data-username="learner00054"' in second
