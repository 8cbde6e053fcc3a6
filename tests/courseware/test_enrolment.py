"""Enrolment services and pages: lists with invitations, join codes, self-enrolment, cohorts,
drop and re-admit, roles, and the sign-up hook of invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from courseware import enrolment as services
from courseware.errors import ApplicationError
from courseware.models import Cohort, CourseRole, Enrolment, Invitation, LessonRead
from courseware.selectors import course_role_of, courses_taught_by
from tests.courseware.factories import PASSWORD, CourseFactory, UserFactory


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _apply(course, text, **kwargs):
    return services.enrolment_list_apply(
        course=course,
        text=text,
        invited_by_id=None,
        invitation_link=lambda token: f"https://academy.test/accounts/signup/?invitation={token}",
        **kwargs,
    )


def test_a_list_enrols_accounts_and_invites_unknown_addresses(
    course, django_capture_on_commit_callbacks
) -> None:
    UserFactory(username="ada", email="ada@example.org")
    UserFactory(username="bob")
    cohort = Cohort.objects.create(course=course, name="Monday")

    with django_capture_on_commit_callbacks(execute=True):
        result = _apply(
            course, "email\nADA@example.org\nbob\nnew@Example.org\nbob\n", cohort=cohort
        )

    assert (result.enrolled, result.invited) == (["ada", "bob"], ["new@example.org"])
    rows = Enrolment.objects.filter(course=course).order_by("user__username")
    assert [(row.user.username, row.role, row.cohort_id) for row in rows] == [
        ("ada", "learner", cohort.pk),
        ("bob", "learner", cohort.pk),
    ]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.cohort_id) == ("new@example.org", cohort.pk)
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
    assert f"?invitation={invitation.token}" in mail.outbox[0].body


def test_a_list_with_bad_rows_changes_nothing_and_names_each_line(course) -> None:
    UserFactory(username="ada")
    ta = UserFactory(username="tom")
    services.enrol_with_role(user_id=ta.pk, course=course, role=CourseRole.TEACHING_ASSISTANT)

    with pytest.raises(ApplicationError) as refused:
        _apply(course, "ada\nnobody\nnot-an@address@x\ntom\nfine@example.org\n")

    assert refused.value.message == "Nothing was changed: fix these rows and try again."
    assert refused.value.extra["errors"] == [
        "Line 2: no account has the username 'nobody'.",
        "Line 3: 'not-an@address@x' is not a valid e-mail address.",
        "Line 4: tom is already teaching assistant of this course.",
    ]
    assert list(Enrolment.objects.values_list("user__username", flat=True)) == ["tom"]
    assert Invitation.objects.count() == 0


def test_the_enrol_page_reports_bad_rows_of_a_csv_file(course, instructor) -> None:
    upload = SimpleUploadedFile("class.csv", b"username,name\nghost,Ghost\n", "text/csv")

    response = _client(instructor).post(
        "/courses/mini/teach/enrol/", {"csv_file": upload, "role": "learner"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed: fix these rows and try again." in html
    assert "<li>Line 2: no account has the username &#x27;ghost&#x27;.</li>" in html
    assert Enrolment.objects.filter(course=course).count() == 1  # the instructor


def test_the_enrol_page_takes_a_csv_file(course, instructor) -> None:
    UserFactory(username="ada", email="ada@example.org")
    upload = SimpleUploadedFile("class.csv", b"email,name\nada@example.org,Ada\n", "text/csv")

    response = _client(instructor).post(
        "/courses/mini/teach/enrol/", {"csv_file": upload, "role": "learner"}, follow=True
    )

    assert "Enrolled 1, re-admitted 0, already members 0, invited 0." in response.content.decode()
    assert course_role_of(user=UserFactory(username="ada"), course=course) == "learner"


def test_signing_up_through_an_invitation_enrols_the_new_account(
    course, django_capture_on_commit_callbacks
) -> None:
    cohort = Cohort.objects.create(course=course, name="Evening")
    with django_capture_on_commit_callbacks(execute=True):
        _apply(course, "newcomer@example.org", cohort=cohort)
    token = Invitation.objects.get().token
    client = Client()

    assert (
        f'name="invitation" value="{token}"'
        in client.get(f"/accounts/signup/?invitation={token}").content.decode()
    )
    response = client.post(
        "/accounts/signup/",
        {
            "invitation": token,
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.url == "/courses/mini/"
    enrolment = Enrolment.objects.get(user__username="newcomer")
    assert (enrolment.course_id, enrolment.role, enrolment.cohort_id) == (
        course.pk,
        "learner",
        cohort.pk,
    )
    invitation = Invitation.objects.get()
    assert invitation.accepted_by_id == enrolment.user_id
    assert services.invitation_accept(token=token, user_id=enrolment.user_id) is None


def test_a_join_code_enrols_into_its_cohort_and_a_new_code_voids_the_old(course) -> None:
    cohort = Cohort.objects.create(course=course, name="Monday")
    old = services.join_code_regenerate(course=course, cohort=cohort)
    new = services.join_code_regenerate(course=course, cohort=cohort)
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")

    assert _client(ada).post(f"/join/{old}/").status_code == 404
    response = _client(bob).post(f"/join/{new}/")

    assert response.status_code == 302
    assert list(Enrolment.objects.values_list("user__username", "cohort_id")) == [
        ("bob", cohort.pk)
    ]


def test_the_join_page_names_the_course_and_asks_anonymous_visitors_to_log_in(course) -> None:
    code = services.join_code_regenerate(course=course)

    assert _client().get(f"/join/{code}/").url == f"/accounts/login/?next=/join/{code}/"
    html = _client(UserFactory(username="ada")).get(f"/join/{code}/").content.decode()
    assert f"<h1>Join {course.title}</h1>" in html
    services.join_code_disable(course=course)
    assert _client(UserFactory(username="ada")).get(f"/join/{code}/").status_code == 404


def test_self_enrolment_follows_the_course_setting(course) -> None:
    ada = UserFactory(username="ada")
    services.course_settings_update(course=course, self_enrolment=False)

    refused = _client(ada).post("/courses/mini/enrol/")
    assert refused.status_code == 403
    assert Enrolment.objects.count() == 0

    services.course_settings_update(course=course, self_enrolment=True)
    assert _client(ada).post("/courses/mini/enrol/").status_code == 302
    assert course_role_of(user=ada, course=course) == "learner"


def test_dropping_keeps_history_and_readmitting_restores_the_learner(course) -> None:
    ada = UserFactory(username="ada")
    enrolment = services.enrol_with_role(user_id=ada.pk, course=course)
    LessonRead.objects.create(user=ada, lesson=course.lessons.first())

    services.enrolment_drop(enrolment=enrolment)
    assert course_role_of(user=ada, course=course) is None
    assert LessonRead.objects.filter(user=ada).count() == 1
    code = services.join_code_regenerate(course=course)
    with pytest.raises(ApplicationError) as refused:
        services.enrolment_join(user_id=ada.pk, code=code)
    assert refused.value.status_code == 403

    services.enrolment_readmit(enrolment=enrolment)
    assert course_role_of(user=ada, course=course) == "learner"


def test_a_learner_is_in_one_cohort_and_moves_between_them(course) -> None:
    monday = services.cohort_create(course=course, name="  Monday ")
    tuesday = services.cohort_create(course=course, name="Tuesday")
    enrolment = services.enrol_with_role(user_id=UserFactory().pk, course=course, cohort=monday)

    services.enrolment_move(enrolment=enrolment, cohort=tuesday)

    enrolment.refresh_from_db()
    assert (monday.name, enrolment.cohort_id) == ("Monday", tuesday.pk)
    with pytest.raises(ApplicationError, match="already a cohort named 'Tuesday'"):
        services.cohort_rename(cohort=monday, name="Tuesday")
    foreign = Cohort.objects.create(course=CourseFactory(), name="Elsewhere")
    with pytest.raises(ApplicationError, match="belongs to another course"):
        services.enrolment_move(enrolment=enrolment, cohort=foreign)


def test_the_last_instructor_stays(course, instructor) -> None:
    enrolment = Enrolment.objects.get(user=instructor)

    with pytest.raises(ApplicationError, match="A course needs an instructor"):
        services.enrolment_drop(enrolment=enrolment)
    with pytest.raises(ApplicationError, match="A course needs an instructor"):
        services.enrolment_role_set(enrolment=enrolment, role=CourseRole.LEARNER)
    assert course_role_of(user=instructor, course=course) == "instructor"


def test_lti_entry_point_sets_the_role_and_courses_taught_lists_it(course) -> None:
    user = UserFactory(username="lti")
    services.enrol_with_role(user_id=user.pk, course=course)
    services.enrol_with_role(user_id=user.pk, course=course, role=CourseRole.TEACHING_ASSISTANT)

    assert course_role_of(user=user, course=course) == "ta"
    assert list(courses_taught_by(user=user)) == [course]
    assert list(courses_taught_by(user=UserFactory())) == []


def test_demo_instructor_teaches_every_course_by_role(course) -> None:
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115

    instructor = Enrolment.objects.get(user__username="instructor")
    assert (instructor.course_id, instructor.role) == (course.pk, "instructor")
    assert not Enrolment.objects.filter(user__username="learner").exists()


def test_activity_enrols_only_where_self_enrolment_is_on(course) -> None:
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    services.course_settings_update(course=course, self_enrolment=False)

    _client(ada).post("/courses/mini/lessons/first-steps/read/")
    assert Enrolment.objects.filter(user=ada).count() == 0

    services.course_settings_update(course=course, self_enrolment=True)
    dropped = services.enrol_with_role(user_id=bob.pk, course=course)
    services.enrolment_drop(enrolment=dropped)
    _client(ada).post("/courses/mini/lessons/first-steps/read/")
    _client(bob).post("/courses/mini/lessons/first-steps/read/")
    assert sorted(Enrolment.objects.values_list("user__username", "status")) == [
        ("ada", "active"),
        ("bob", "dropped"),
    ]


def test_the_cohort_form_explains_a_refused_name(course, instructor) -> None:
    Cohort.objects.create(course=course, name="Monday")
    client = _client(instructor)

    empty = client.post("/courses/mini/teach/cohorts/", {"name": ""})
    taken = client.post("/courses/mini/teach/cohorts/", {"name": "Monday"})

    assert empty.status_code == 400
    assert "A cohort needs a name of at most 100 characters." in empty.content.decode()
    assert taken.status_code == 400
    assert "There is already a cohort named &#x27;Monday&#x27;." in taken.content.decode()
    assert list(Cohort.objects.values_list("name", flat=True)) == ["Monday"]
