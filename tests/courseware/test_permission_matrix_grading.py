"""The grading app's staff pages in the permission matrix (an exercise's submissions, a regrade
of one, a regrade of all) x the six kinds of visitor of tests/courseware/test_permission_matrix.py;
a refusal queues no grading. Then the matrix's own coverage: every page, action and API endpoint
guarded by a course role is one of the matrix's rows, so a new one cannot be added unchecked."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from courseware.permissions import TEACHING_STAFF_ONLY, _CourseRolePermission
from grading.models import GradingRun, Submission
from tests.courseware import test_permission_matrix as matrix
from tests.courseware.test_permission_matrix_dashboard import submission

people = matrix.people
VISITORS = matrix.VISITORS
_client = matrix._client
__all__ = ["people", "submission"]  # the fixtures this module borrows


def _endpoints(submission_pk: int) -> dict[str, tuple[str, str, int, str]]:
    exercise = "/exercises/mini/softmax"
    return {
        "submissions": ("get", f"{exercise}/all-submissions/", 200, ""),
        "regrade": (
            "post",
            f"{exercise}/submissions/{submission_pk}/regrade/",
            302,
            f"{exercise}/submissions/{submission_pk}/",
        ),
        "regrade all": ("post", f"{exercise}/regrade-all/", 302, f"{exercise}/all-submissions/"),
    }


def _runs() -> list[tuple[Any, ...]]:
    return list(GradingRun.objects.order_by("pk").values_list("submission", "number", "reason"))


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", ["submissions", "regrade", "regrade all"])
def test_grading_staff_pages_and_actions(
    people, submission: Submission, endpoint, visitor, django_capture_on_commit_callbacks
) -> None:
    method, path, status, back = _endpoints(submission.pk)[endpoint]
    before = _runs()

    # Nothing reaches the broker: a queued regrade is seen in its row.
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(_client(people[visitor]), method)(path)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path}"
    elif visitor in {"ta", "instructor"}:
        assert response.status_code == status
        if method == "post":
            assert response.url == back
            assert _runs() == [*before, (submission.pk, 1, "regrade")]
        return
    else:
        assert response.status_code == 403
        assert TEACHING_STAFF_ONLY in response.content.decode()
    assert _runs() == before


# Every URL guarded by a course role, by name, and the matrix test that covers it.
COVERED = {
    "courseware:roster": "test_permission_matrix",
    "courseware:enrol_list": "test_permission_matrix",
    "courseware:cohort_create": "test_permission_matrix",
    "courseware:cohort_rename": "test_permission_matrix",
    "courseware:course_settings": "test_permission_matrix",
    "courseware:member_update": "test_permission_matrix",
    "courseware:quiz_analysis": "test_permission_matrix",
    "certificates:course_list": "test_permission_matrix",
    "certificates:revoke": "test_permission_matrix",
    "dashboard:overview": "test_permission_matrix_dashboard",
    "dashboard:learner": "test_permission_matrix_dashboard",
    "dashboard:extension_grant": "test_permission_matrix_dashboard",
    "dashboard:submissions": "test_permission_matrix_dashboard",
    "dashboard:submission_comment": "test_permission_matrix_dashboard",
    "dashboard:similarity": "test_permission_matrix_dashboard",
    "dashboard:similarity_compute": "test_permission_matrix_dashboard",
    "deadlines:overview": "test_permission_matrix_deadlines",
    "deadlines:due_set": "test_permission_matrix_deadlines",
    "deadlines:due_clear": "test_permission_matrix_deadlines",
    "deadlines:policy": "test_permission_matrix_deadlines",
    "deadlines:quiz_answers": "test_permission_matrix_deadlines",
    "deadlines:extension_grant": "test_permission_matrix_deadlines",
    "deadlines:extension_revoke": "test_permission_matrix_deadlines",
    "gradebook:gradebook": "test_permission_matrix_gradebook",
    "gradebook:export": "test_permission_matrix_gradebook",
    "gradebook:weights": "test_permission_matrix_gradebook",
    "gradebook:learner": "test_permission_matrix_gradebook",
    "gradebook:override": "test_permission_matrix_gradebook",
    "gradebook:submissions_export": "test_permission_matrix_gradebook",
    "grading:instructor_submissions": "test_permission_matrix_grading",
    "grading:regrade": "test_permission_matrix_grading",
    "grading:regrade_all": "test_permission_matrix_grading",
    # The API, by session and by token: tests/api/test_staff_endpoints.py.
    "courseware-api:roster": "test_staff_endpoints",
    "courseware-api:members": "test_staff_endpoints",
    "courseware-api:learner": "test_staff_endpoints",
    "courseware-api:item-analysis": "test_staff_endpoints",
    "gradebook-api:gradebook": "test_staff_endpoints",
    "api-exercise-submissions": "test_staff_endpoints",
    "api-submission-regrade": "test_staff_endpoints",
}


def _guarded(patterns: list[Any], namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            found |= _guarded(pattern.url_patterns, inner)
            continue
        assert isinstance(pattern, URLPattern)
        view = pattern.callback
        view_class = getattr(view, "cls", None)
        by_role = getattr(view, "course_roles", None) is not None
        by_api = view_class is not None and any(
            isinstance(permission, type) and issubclass(permission, _CourseRolePermission)
            for permission in getattr(view_class, "permission_classes", [])
        )
        if by_role or by_api:
            found.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))
    return found


def test_every_guarded_url_is_in_the_matrix() -> None:
    assert _guarded(get_resolver().url_patterns) == set(COVERED)
