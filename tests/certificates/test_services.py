"""Issuing (once per learner and course, only when the rule is met) and revoking."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import NOT_COMPLETE, certificate_issue, certificate_revoke
from courseware.errors import ApplicationError
from tests.certificates.conftest import finish_course, read_lessons
from tests.courseware.factories import UserFactory


def test_an_unfinished_course_issues_nothing(course, learner) -> None:
    read_lessons(learner, course)

    with pytest.raises(ApplicationError) as refused:
        certificate_issue(user=learner, course=course)

    assert (refused.value.message, refused.value.status_code) == (NOT_COMPLETE, 409)
    assert not Certificate.objects.exists()


def test_a_finished_course_issues_one_certificate_with_the_result(course, learner) -> None:
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    finish_course(learner, course)
    before = timezone.now()

    certificate = certificate_issue(user=learner, course=course)

    assert (certificate.learner_name, certificate.course_title) == ("Ada Lovelace", "Mini Course")
    assert (certificate.quiz_average, certificate.lessons_read) == (1.0, 4)
    assert (certificate.exercise_points, certificate.exercise_max_points) == (0, 0)
    assert certificate.issued_at >= before
    assert len(certificate.code) >= 32
    assert certificate.revoked_at is None


def test_issuing_again_returns_the_same_certificate(course, learner) -> None:
    finish_course(learner, course)
    first = certificate_issue(user=learner, course=course)

    again = certificate_issue(user=learner, course=course)

    assert (again.pk, again.code, again.issued_at) == (first.pk, first.code, first.issued_at)
    assert Certificate.objects.count() == 1


def test_each_certificate_has_its_own_code_and_a_username_stands_for_no_name(
    course, learner
) -> None:
    other = UserFactory(username="grace")
    finish_course(learner, course)
    finish_course(other, course)

    mine = certificate_issue(user=learner, course=course)
    theirs = certificate_issue(user=other, course=course)

    assert mine.code != theirs.code
    assert theirs.learner_name == "grace"


def test_revoking_records_who_and_when_and_a_second_revoke_keeps_the_first(
    course, learner, instructor
) -> None:
    finish_course(learner, course)
    certificate = certificate_issue(user=learner, course=course)

    certificate_revoke(certificate=certificate, revoked_by=instructor, reason="  Copied   work ")
    first = certificate.revoked_at
    certificate_revoke(certificate=certificate, revoked_by=learner, reason="other")

    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert (certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason) == (
        first,
        instructor,
        "Copied work",
    )


def test_a_revoked_certificate_is_not_issued_anew(course, learner, instructor) -> None:
    finish_course(learner, course)
    certificate = certificate_issue(user=learner, course=course)
    certificate_revoke(certificate=certificate, revoked_by=instructor, reason="")

    again = certificate_issue(user=learner, course=course)

    assert (again.pk, again.is_revoked) == (certificate.pk, True)
    assert Certificate.objects.count() == 1


def test_a_too_long_reason_is_refused_and_changes_nothing(course, learner, instructor) -> None:
    finish_course(learner, course)
    certificate = certificate_issue(user=learner, course=course)

    with pytest.raises(ApplicationError, match="at most 300 characters"):
        certificate_revoke(certificate=certificate, revoked_by=instructor, reason="x" * 301)

    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoke_reason) == (None, "")
