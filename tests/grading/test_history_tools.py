"""Compare two submissions, restore one into the editor, reset to the starter code, and the
next exercise: each for the learner's own work only, and none of them touching the history."""

from __future__ import annotations

import pytest
from django.test import Client

from grading.diffing import DiffRow, code_diff
from grading.models import Draft, Exercise, Submission
from grading.services import submission_create
from tests.grading.exercise_factory import make_exercise
from tests.integration.test_grading_stack import RIGHT, WRONG

PAGE_URL = "/exercises/test-course/stable-softmax/"


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_code_diff_pairs_line_numbers_and_counts_changes() -> None:
    old = {"answer": "def f(x):\n    return x\n# end"}
    new = {"answer": "def f(x):\n    y = x + 1\n    return y\n# end", "extra": "z = 1"}
    answer, extra = code_diff(old=old, new=new)
    assert answer.rows == (
        DiffRow("same", 1, 1, "def f(x):"),
        DiffRow("removed", 2, None, "    return x"),
        DiffRow("added", None, 2, "    y = x + 1"),
        DiffRow("added", None, 3, "    return y"),
        DiffRow("same", 3, 4, "# end"),
    )
    assert (answer.added, answer.removed, answer.changed) == (2, 1, True)
    assert (extra.grade_id, extra.rows) == ("extra", (DiffRow("added", None, 1, "z = 1"),))
    (same,) = code_diff(old={"answer": "x"}, new={"answer": "x"})
    assert same.changed is False


def test_compare_page_renders_an_accessible_diff_table(exercise, learner) -> None:
    old = submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    new = submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    response = _client(learner).get(f"{PAGE_URL}compare/", {"old": old.pk, "new": new.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Changes from submission {old.pk} to {new.pk}" in page
    assert '<th scope="col">Code</th>' in page
    assert '<tr class="diff-removed">' in page and '<tr class="diff-added">' in page
    assert '<span class="visually-hidden">added</span>' in page
    assert "1 line removed, 3 lines added." in page


def test_compare_is_refused_for_someone_elses_submission(exercise, learner, other_learner) -> None:
    mine = submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    theirs = submission_create(user=other_learner, exercise=exercise, code={"answer": RIGHT})
    client = _client(learner)
    assert client.get(f"{PAGE_URL}compare/", {"old": mine.pk, "new": theirs.pk}).status_code == 404
    assert client.get(f"{PAGE_URL}compare/", {"old": mine.pk, "new": "x"}).status_code == 404
    assert client.get(f"{PAGE_URL}compare/").status_code == 404


def test_teaching_staff_may_compare_a_learners_submissions(exercise, learner) -> None:
    old = submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    new = submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    from courseware.enrolment import enrol_with_role
    from courseware.models import CourseRole
    from tests.courseware.factories import UserFactory

    teacher = UserFactory(username="ta")
    enrol_with_role(user_id=teacher.pk, course=exercise.module.course, role=CourseRole.INSTRUCTOR)
    page = _client(teacher).get(f"{PAGE_URL}compare/", {"old": old.pk, "new": new.pk})
    assert page.status_code == 200
    assert "into the editor" not in page.content.decode()  # not theirs to restore


def test_restore_puts_the_code_in_the_editor_and_keeps_the_history(exercise, learner) -> None:
    first = submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    client = _client(learner)
    response = client.post(f"{PAGE_URL}submissions/{first.pk}/restore/", follow=True)
    assert response.redirect_chain == [(f"{PAGE_URL}#submit", 302)]
    assert Draft.objects.get(user=learner, exercise=exercise).code == {"answer": WRONG}
    assert Submission.objects.filter(user=learner).count() == 2
    page = response.content.decode()
    assert f"The code of submission {first.pk} is back in the editor" in page
    assert "return np.exp(x) / np.exp(x).sum(-1, keepdims=True)" in page


def test_restore_of_someone_elses_submission_is_refused(exercise, learner, other_learner) -> None:
    theirs = submission_create(user=other_learner, exercise=exercise, code={"answer": RIGHT})
    response = _client(learner).post(f"{PAGE_URL}submissions/{theirs.pk}/restore/")
    assert response.status_code == 404
    assert Draft.objects.count() == 0
    assert _client(learner).get(f"{PAGE_URL}submissions/{theirs.pk}/restore/").status_code == 405


def test_reset_asks_first_then_restores_the_starter_code(exercise, learner) -> None:
    submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    client = _client(learner)
    confirm = client.get(f"{PAGE_URL}reset/")
    assert confirm.status_code == 200
    assert "Yes, reset to the starter code" in confirm.content.decode()
    assert Draft.objects.count() == 0  # asking changed nothing
    response = client.post(f"{PAGE_URL}reset/", follow=True)
    assert response.redirect_chain == [(f"{PAGE_URL}#submit", 302)]
    assert Draft.objects.get(user=learner).code == exercise.starter_code
    assert Submission.objects.filter(user=learner).count() == 1
    assert "raise NotImplementedError()" in response.content.decode()


def test_the_page_links_the_next_exercise(exercise, learner, tmp_path) -> None:
    client = _client(learner)
    last = client.get(PAGE_URL).content.decode()
    assert "This is the course's last exercise: back to Basics" in last
    make_exercise(tmp_path / "second", slug="second-softmax", title="Second softmax", order=2)
    page = client.get(PAGE_URL).content.decode()
    assert 'href="/exercises/test-course/second-softmax/" id="next-exercise"' in page
    assert "Next exercise: Second softmax" in page


def test_the_submission_page_offers_restore_to_its_learner_only(exercise, learner) -> None:
    from courseware.enrolment import enrol_with_role
    from courseware.models import CourseRole
    from tests.courseware.factories import UserFactory

    submission = submission_create(user=learner, exercise=exercise, code={"answer": WRONG})
    url = f"{PAGE_URL}submissions/{submission.pk}/"
    assert "Restore this code into the editor" in _client(learner).get(url).content.decode()
    teacher = UserFactory(username="ta")
    enrol_with_role(user_id=teacher.pk, course=exercise.module.course, role=CourseRole.INSTRUCTOR)
    assert "Restore this code" not in _client(teacher).get(url).content.decode()
