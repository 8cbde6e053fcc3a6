"""The certificate pages: the learner's, the public verification page, the PDF, the course and
module pages' completion parts and the course settings' rule."""

from __future__ import annotations

import subprocess

import pytest
from django.test import Client

from certificates.models import Certificate
from certificates.pdf import PDF_UNAVAILABLE
from certificates.services import certificate_issue, certificate_revoke
from courseware.enrolment import enrol_with_role
from courseware.models import CourseRole
from tests.certificates.conftest import finish_course, read_lessons
from tests.courseware.factories import CourseFactory, UserFactory


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def holder(course):
    user = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    finish_course(user, course)
    return user


@pytest.fixture
def certificate(course, holder) -> Certificate:
    return certificate_issue(user=holder, course=course)


def test_the_learner_takes_the_certificate_once_complete(course, holder) -> None:
    client = _client(holder)
    page = client.get("/courses/mini/certificate/").content.decode()
    assert "Take my certificate" in page

    response = client.post("/courses/mini/certificate/")

    assert response.status_code == 302
    assert response.url == "/courses/mini/certificate/"
    certificate = Certificate.objects.get(user=holder, course=course)
    page = client.get("/courses/mini/certificate/").content.decode()
    assert f"http://testserver/certificates/{certificate.code}/" in page
    assert f"/certificates/{certificate.code}/pdf/" in page
    client.post("/courses/mini/certificate/")
    assert Certificate.objects.count() == 1


def test_an_unfinished_learner_is_told_what_is_left_and_gets_none(course, learner) -> None:
    read_lessons(learner, course, module_slug="basics")
    client = _client(learner)

    page = client.get("/courses/mini/certificate/").content.decode()
    response = client.post("/courses/mini/certificate/")

    assert "you have done 2 of the 5 steps" in page
    assert response.status_code == 409
    assert "The course is not complete yet" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_learners_page_needs_a_log_in(course) -> None:
    response = _client().post("/courses/mini/certificate/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/courses/mini/certificate/"
    assert not Certificate.objects.exists()


def test_anyone_logged_out_verifies_name_course_date_and_result(certificate) -> None:
    response = _client().get(f"/certificates/{certificate.code}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in page
    assert '<dd data-field="name">Ada Lovelace</dd>' in page
    assert '<dd data-field="course">Mini Course</dd>' in page
    assert f'<dd data-field="date">{certificate.issued_at:%-d %B %Y}</dd>' in page
    assert "Quiz average: <strong>100%</strong>" in page
    assert "/pdf/" not in page


def test_a_revoked_certificate_says_so_with_its_date(certificate, course) -> None:
    instructor = UserFactory(username="boss")
    certificate_revoke(certificate=certificate, revoked_by=instructor, reason="Copied work")

    page = _client().get(f"/certificates/{certificate.code}/").content.decode()

    assert 'data-status="revoked"' in page
    assert f"revoked on {certificate.revoked_at:%-d %B %Y}: Copied work" in page
    assert "Valid certificate" not in page


def test_an_unknown_code_is_not_found(certificate) -> None:
    assert _client().get(f"/certificates/{certificate.code}x/").status_code == 404
    assert _client().get("/certificates/x/pdf/").status_code == 404


def test_the_holder_downloads_a_pdf_with_their_name(certificate, holder, tmp_path) -> None:
    response = _client(holder).get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Ada Lovelace" in text
    assert "Mini Course" in text
    assert certificate.code in text


def test_another_learner_cannot_download_the_pdf(certificate, learner) -> None:
    response = _client(learner).get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 403
    assert b"%PDF" not in response.content
    assert "Only the holder of this certificate may download it" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_pdf(certificate) -> None:
    path = f"/certificates/{certificate.code}/pdf/"

    response = _client().get(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


def test_a_revoked_certificate_has_no_pdf(certificate, holder, instructor) -> None:
    certificate_revoke(certificate=certificate, revoked_by=instructor, reason="")

    response = _client(holder).get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 410


def test_the_course_page_says_what_each_module_takes(course, learner) -> None:
    read_lessons(learner, course, module_slug="basics")

    page = _client(learner).get("/courses/mini/").content.decode()

    assert "Read all 2 lessons: 2 read" in page
    assert "Score at least 60% on the quiz: not taken yet" in page
    assert "2 of 3 steps done." in page
    assert "0 of 2 steps done." in page
    assert "Your certificate of completion" not in page


def test_the_course_page_of_a_finished_course_links_the_certificate(course, holder) -> None:
    page = _client(holder).get("/courses/mini/").content.decode()

    assert 'href="/courses/mini/certificate/">Your certificate of completion</a>' in page
    assert page.count("Module complete.") == 2


def test_the_module_page_says_what_completing_it_takes(course, learner) -> None:
    page = _client(learner).get("/courses/mini/modules/basics/").content.decode()

    assert "What completing this module takes" in page
    assert "Read all 2 lessons: 0 read" in page
    assert "Score at least 60% on the quiz: not taken yet" in page
    assert "0 of 3 steps done." in page


def test_the_instructor_sets_the_rule_on_the_settings_page(course, instructor) -> None:
    client = _client(instructor)
    assert "Quiz pass mark (%)" in client.get("/courses/mini/teach/roster/").content.decode()

    response = client.post(
        "/courses/mini/teach/settings/",
        {"action": "completion", "quiz_percent": "80", "exercise_percent": "50"},
    )

    assert (response.status_code, response.url) == (302, "/courses/mini/teach/roster/")
    course.refresh_from_db()
    assert (
        course.completion_requires_lessons,
        course.completion_quiz_percent,
        course.completion_exercise_percent,
    ) == (False, 80, 50)


@pytest.mark.parametrize(
    "data",
    [
        {"quiz_percent": "120", "exercise_percent": "50"},
        {"quiz_percent": "eighty", "exercise_percent": "50"},
        {"quiz_percent": "80"},
    ],
)
def test_a_bad_rule_is_refused_and_changes_nothing(course, instructor, data) -> None:
    response = _client(instructor).post(
        "/courses/mini/teach/settings/", {"action": "completion", "requires_lessons": "on", **data}
    )

    assert response.status_code == 400
    assert "Pass marks are whole percentages from 0 to 100." in response.content.decode()
    course.refresh_from_db()
    assert (course.completion_quiz_percent, course.completion_exercise_percent) == (60, 100)


def test_the_instructor_lists_and_revokes(course, certificate, instructor) -> None:
    client = _client(instructor)
    page = client.get("/courses/mini/teach/certificates/").content.decode()
    assert "Ada Lovelace" in page

    response = client.post(
        f"/courses/mini/teach/certificates/{certificate.pk}/revoke/", {"reason": "Copied"}
    )

    assert (response.status_code, response.url) == (302, "/courses/mini/teach/certificates/")
    certificate.refresh_from_db()
    assert (certificate.is_revoked, certificate.revoked_by, certificate.revoke_reason) == (
        True,
        instructor,
        "Copied",
    )
    assert "Revoked" in client.get("/courses/mini/teach/certificates/").content.decode()


def test_a_host_without_pango_answers_the_pdf_with_a_clear_503(
    certificate, holder, monkeypatch
) -> None:
    def no_pango():
        raise OSError("cannot load library 'libpango-1.0-0'")

    # The outside world: the system library WeasyPrint loads on import is missing.
    monkeypatch.setattr("certificates.pdf._load_weasyprint", no_pango)

    response = _client(holder).get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 503
    assert PDF_UNAVAILABLE in response.content.decode()
    assert _client().get(f"/certificates/{certificate.code}/").status_code == 200


def test_the_courses_instructor_may_download_but_not_another_courses(
    certificate, instructor
) -> None:
    stranger = UserFactory(username="stranger")
    other = CourseFactory(slug="other")
    enrol_with_role(user_id=stranger.pk, course=other, role=CourseRole.INSTRUCTOR)
    path = f"/certificates/{certificate.code}/pdf/"

    assert _client(instructor).get(path).content.startswith(b"%PDF")
    assert _client(stranger).get(path).status_code == 403
