"""Several "take my certificate" requests at once, for real on PostgreSQL: one certificate."""

from __future__ import annotations

import pytest
from django.db import connection

from certificates.models import Certificate
from certificates.services import certificate_issue
from tests.certificates.conftest import finish_course
from tests.courseware.factories import UserFactory
from tests.courseware.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_issuing_from_several_tabs_at_once_makes_one_certificate(course) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes the whole database")
    user = UserFactory(username="racer")
    finish_course(user, course)

    results = run_together(6, lambda: certificate_issue(user=user, course=course))

    assert all(isinstance(result, Certificate) for result in results), results
    assert {result.pk for result in results} == {Certificate.objects.get().pk}
    assert len({result.code for result in results}) == 1
