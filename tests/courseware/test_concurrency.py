"""Two tabs at once, for real: concurrent requests on PostgreSQL (skipped on SQLite)."""

import threading

import pytest
from django.db import connection, connections

from content.importer import course_import
from courseware.models import QuestionResponse, Quiz, QuizAttempt
from courseware.services import (
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.courseware.factories import UserFactory
from tests.courseware.helpers import right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, target) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # the test asserts on whatever happened
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def quiz(mini_course_dir):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes the whole database")
    course_import(path=mini_course_dir)
    return Quiz.objects.get()


def test_submitting_from_several_tabs_at_once_scores_once(quiz):
    user = UserFactory(username="racer")
    attempt, _ = quiz_attempt_start(user_id=user.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=user.pk, answers=right_answers(attempt)
    )

    results = run_together(6, lambda: quiz_attempt_submit(attempt_id=attempt.pk, user_id=user.pk))

    assert [scored for _, scored in results].count(True) == 1
    assert QuestionResponse.objects.filter(attempt=attempt).count() == 5
    assert QuizAttempt.objects.get(pk=attempt.pk).score == 1.0


def test_starting_from_several_tabs_at_once_opens_one_attempt(quiz):
    user = UserFactory(username="starter")

    results = run_together(6, lambda: quiz_attempt_start(user_id=user.pk, quiz=quiz))

    assert len({attempt.pk for attempt, _ in results}) == 1
    assert QuizAttempt.objects.filter(user=user).count() == 1
