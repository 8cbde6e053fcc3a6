"""A learner's certificates in "download my data", and gone with the account."""

from __future__ import annotations

from django.test import Client

from accounts.services import account_delete, account_export
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from tests.certificates.conftest import finish_course
from tests.courseware.factories import UserFactory


def test_the_export_holds_the_learners_certificate_and_no_one_elses(
    course, learner, instructor
) -> None:
    finish_course(learner, course)
    finish_course(UserFactory(username="someone"), course)
    mine = certificate_issue(user=learner, course=course)
    certificate_issue(user=UserFactory(username="someone"), course=course)
    certificate_revoke(certificate=mine, revoked_by=instructor, reason="Copied")

    data = account_export(user=learner)

    assert data["certificates"] == [
        {
            "course": "mini",
            "code": mine.code,
            "name": "learner",
            "course_title": "Mini Course",
            "issued_at": mine.issued_at.isoformat(),
            "quiz_average": 1.0,
            "exercise_points": 0.0,
            "exercise_max_points": 0.0,
            "lessons_read": 4,
            "revoked_at": mine.revoked_at.isoformat(),
            "revoke_reason": "Copied",
        }
    ]
    assert account_export(user=instructor)["certificates"] == []


def test_deleting_the_account_deletes_its_certificate_and_keeps_those_it_revoked(
    course, learner, instructor
) -> None:
    finish_course(learner, course)
    certificate = certificate_issue(user=learner, course=course)
    finish_course(instructor, course)
    revoked = certificate_issue(user=instructor, course=course)
    certificate_revoke(certificate=revoked, revoked_by=learner, reason="")

    account_delete(user=learner)

    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    assert Client().get(f"/certificates/{certificate.code}/").status_code == 404
    revoked.refresh_from_db()
    assert (revoked.is_revoked, revoked.revoked_by) == (True, None)
