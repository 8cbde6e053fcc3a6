"""The instructor's deadlines page and its forms, and the due date on every learner page in the
learner's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from courseware.enrolment import enrol_with_role
from courseware.models import CourseRole, Enrolment, QuizAttempt
from deadlines import services
from deadlines.models import CoursePolicy, DueDate, Extension
from tests.courseware.factories import UserFactory

PAGE = "/courses/mini/teach/deadlines/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ta(course):
    user = UserFactory(username="ta")
    enrol_with_role(user_id=user.pk, course=course, role=CourseRole.TEACHING_ASSISTANT)
    return user


def test_the_page_lists_items_and_cohorts(course, quiz, exercise, cohort, instructor) -> None:
    html = _client(instructor).get(PAGE).content.decode()

    assert f'data-item="quiz:{quiz.pk}"' in html
    assert f'data-item="exercise:{exercise.pk}"' in html
    assert f'data-item="module:{quiz.module_id}"' in html
    assert '<th scope="col">Monday</th>' in html
    assert 'id="due-form"' in html and 'id="policy-form"' in html


def test_an_instructor_sets_a_cohort_date_in_their_time_zone(
    course, quiz, cohort, instructor
) -> None:
    Profile.objects.create(user=instructor, time_zone="Asia/Tokyo")

    response = _client(instructor).post(
        f"{PAGE}due/",
        {"item": f"quiz:{quiz.pk}", "cohort": str(cohort.pk), "due_at": "2026-12-08T09:00"},
    )

    assert (response.status_code, response.url) == (302, PAGE)
    due = DueDate.objects.get()
    assert (due.quiz, due.cohort, due.set_by) == (quiz, cohort, instructor)
    assert due.due_at == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def test_clearing_a_date(course, quiz, instructor) -> None:
    services.due_date_set(
        course=course, item=quiz, cohort=None, due_at=timezone.now(), set_by_id=None
    )

    response = _client(instructor).post(f"{PAGE}due/clear/", {"item": f"quiz:{quiz.pk}"})

    assert response.status_code == 302
    assert not DueDate.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"item": "quiz:x", "due_at": "2026-12-08T09:00"},
        {"item": "lesson:1", "due_at": "2026-12-08T09:00"},
        {"item": "quiz:999999", "due_at": "2026-12-08T09:00"},
    ],
)
def test_an_unknown_item_is_a_404(course, instructor, data) -> None:
    assert _client(instructor).post(f"{PAGE}due/", data).status_code == 404
    assert not DueDate.objects.exists()


def test_a_bad_date_shows_the_page_again_with_the_message(course, quiz, instructor) -> None:
    response = _client(instructor).post(
        f"{PAGE}due/", {"item": f"quiz:{quiz.pk}", "due_at": "next tuesday"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please check the form (due_at: Enter a valid date/time.)" in html
    assert f'<option value="quiz:{quiz.pk}" selected>' in html
    assert not DueDate.objects.exists()


def test_a_ta_grants_an_extension_with_its_reason(course, quiz, ta, enrolled, learner) -> None:
    response = _client(ta).post(
        f"{PAGE}extensions/",
        {
            "learner": str(learner.pk),
            "item": f"quiz:{quiz.pk}",
            "due_at": "2026-12-20T17:00",
            "reason": "Bereavement",
        },
    )

    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.user, extension.quiz, extension.granted_by) == (learner, quiz, ta)
    assert extension.reason == "Bereavement"
    html = _client(ta).get(PAGE).content.decode()
    assert 'data-username="learner"' in html and "Bereavement" in html and "by ta" in html


def test_an_extension_without_a_reason_keeps_what_was_typed(
    course, quiz, instructor, enrolled, learner
) -> None:
    response = _client(instructor).post(
        f"{PAGE}extensions/",
        {
            "learner": str(learner.pk),
            "item": f"quiz:{quiz.pk}",
            "due_at": "2026-12-20T17:00",
            "reason": "   ",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please check the form (reason: This field is required.)" in html
    assert 'value="2026-12-20T17:00"' in html
    assert not Extension.objects.exists()


def test_an_extension_for_someone_outside_the_course_is_refused(course, quiz, instructor):
    stranger = UserFactory(username="stranger")

    response = _client(instructor).post(
        f"{PAGE}extensions/",
        {
            "learner": str(stranger.pk),
            "item": f"quiz:{quiz.pk}",
            "due_at": "2026-12-20T17:00",
            "reason": "Asked nicely",
        },
    )

    assert response.status_code == 404
    assert "That learner is not enrolled in this course." in response.content.decode()
    assert not Extension.objects.exists()


def test_revoking_an_extension(course, quiz, instructor, enrolled, learner) -> None:
    extension = services.extension_grant(
        course=course,
        item=quiz,
        learner_id=learner.pk,
        due_at=timezone.now(),
        reason="Ill",
        granted_by_id=instructor.pk,
    )

    response = _client(instructor).post(f"{PAGE}extensions/{extension.pk}/revoke/")

    assert response.status_code == 302
    assert not Extension.objects.exists()


def test_the_policy_form(course, instructor) -> None:
    response = _client(instructor).post(
        f"{PAGE}policy/",
        {
            "late": "penalty",
            "penalty_percent_per_day": "5",
            "penalty_cap_percent": "30",
            "answer_reveal": "due",
        },
    )
    refused = _client(instructor).post(
        f"{PAGE}policy/",
        {
            "late": "penalty",
            "penalty_percent_per_day": "500",
            "penalty_cap_percent": "30",
            "answer_reveal": "due",
        },
    )

    assert response.status_code == 302
    assert refused.status_code == 400
    policy = CoursePolicy.objects.get(course=course)
    assert (policy.late, policy.penalty_percent_per_day, policy.penalty_cap_percent) == (
        "penalty",
        5,
        30,
    )
    assert policy.answer_reveal == "due"


def test_every_learner_page_shows_the_due_date_in_their_time_zone(
    course, module, quiz, exercise, cohort, enrolled, learner, instructor
) -> None:
    Profile.objects.create(user=learner, time_zone="America/New_York")
    Enrolment.objects.filter(pk=enrolled.pk).update(cohort=cohort)
    soon = timezone.now().replace(microsecond=0) + timedelta(days=2, hours=1)
    for item in (module, quiz, exercise):
        services.due_date_set(course=course, item=item, cohort=cohort, due_at=soon, set_by_id=None)
    local = timezone.localtime(soon, timezone=__import__("zoneinfo").ZoneInfo("America/New_York"))
    expected = f"{local:%a %d %b %Y, %H:%M} {local.tzname()}"
    client = _client(learner)
    client.post("/courses/mini/modules/basics/quiz/")
    attempt = QuizAttempt.objects.get(user=learner)
    (answer_id,) = exercise.starter_code
    submitted = client.post(
        f"/exercises/mini/{exercise.slug}/submit/", {f"code-{answer_id}": "x=1"}
    )

    pages = {
        "course": "/courses/mini/",
        "module": "/courses/mini/modules/basics/",
        "quiz": "/courses/mini/modules/basics/quiz/",
        "attempt": f"/attempts/{attempt.pk}/",
        "exercise": f"/exercises/mini/{exercise.slug}/",
        "submission": submitted.url,
    }
    for name, path in pages.items():
        html = client.get(path).content.decode()
        assert expected in html, name
        assert "(due in 2 days)" in html, name
        assert "<strong>Due:</strong>" in html, name


def test_the_submission_page_shows_the_learners_date_to_staff(
    course, exercise, enrolled, learner, instructor
) -> None:
    due = timezone.now() + timedelta(days=3, hours=1)
    services.due_date_set(course=course, item=exercise, cohort=None, due_at=due, set_by_id=None)
    services.extension_grant(
        course=course,
        item=exercise,
        learner_id=learner.pk,
        due_at=due + timedelta(days=4),
        reason="Ill",
        granted_by_id=instructor.pk,
    )
    (answer_id,) = exercise.starter_code
    submitted = _client(learner).post(
        f"/exercises/mini/{exercise.slug}/submit/", {f"code-{answer_id}": "x=1"}
    )

    html = _client(instructor).get(submitted.url).content.decode()

    assert "(due in 7 days, extension granted)" in html


def test_a_page_loads_the_schedule_once_however_many_items_it_shows(
    course, module, quiz, exercise, enrolled, learner
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for item in (module, quiz, exercise):
        services.due_date_set(
            course=course, item=item, cohort=None, due_at=timezone.now(), set_by_id=None
        )
    client = _client(learner)

    for path in ("/courses/mini/", "/courses/mini/modules/basics/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        sql = [query["sql"] for query in queries.captured_queries]
        assert sum('FROM "deadlines_duedate"' in text for text in sql) == 1, path
        assert sum('FROM "deadlines_extension"' in text for text in sql) == 1, path
