"""The kept-attempt rule that the progress table, the gradebook and the LMS score share, as the
database applies it: best keeps the earliest of equal bests, last keeps the latest attempt."""

from datetime import UTC, datetime

import pytest

from courseware.models import Quiz, QuizAttempt
from courseware.selectors.progress import KeptQuizScore, kept_quiz_scores
from tests.courseware.factories import QuizFactory, UserFactory

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
TUESDAY = datetime(2026, 1, 6, tzinfo=UTC)
WEDNESDAY = datetime(2026, 1, 7, tzinfo=UTC)
ATTEMPTS = [(TUESDAY, 0.9), (MONDAY, 0.9), (WEDNESDAY, 0.4)]

pytestmark = pytest.mark.django_db


def _attempts(quiz: Quiz, user_pk: int) -> dict[datetime, int]:
    """The ATTEMPTS as submitted attempts, plus one still in progress; submitted time -> pk."""
    made = {}
    for number, (submitted_at, score) in enumerate(ATTEMPTS, start=1):
        attempt = QuizAttempt.objects.create(
            user_id=user_pk,
            quiz=quiz,
            number=number,
            seed=number,
            question_ids=[],
            status=QuizAttempt.Status.SUBMITTED,
            score=score,
            submitted_at=submitted_at,
        )
        made[submitted_at] = attempt.pk
    QuizAttempt.objects.create(
        user_id=user_pk, quiz=quiz, number=9, seed=9, question_ids=[], score=1.0
    )
    return made


def test_best_keeps_the_earliest_of_equal_best_scores() -> None:
    quiz = QuizFactory(keep=Quiz.Keep.BEST)
    user = UserFactory()
    made = _attempts(quiz, user.pk)

    kept = kept_quiz_scores(user_ids=[user.pk], quiz_keep={quiz.pk: quiz.keep}, with_times=True)

    assert kept == {(user.pk, quiz.pk): KeptQuizScore(made[MONDAY], 0.9, 3, MONDAY)}


def test_last_keeps_the_latest_attempt() -> None:
    quiz = QuizFactory(keep=Quiz.Keep.LAST)
    user = UserFactory()
    made = _attempts(quiz, user.pk)

    kept = kept_quiz_scores(user_ids=[user.pk], quiz_keep={quiz.pk: quiz.keep}, with_times=True)

    assert kept == {(user.pk, quiz.pk): KeptQuizScore(made[WEDNESDAY], 0.4, 3, WEDNESDAY)}


def test_each_quiz_follows_its_own_rule_for_each_learner_in_one_query(
    django_assert_num_queries,
) -> None:
    best, last = QuizFactory(keep=Quiz.Keep.BEST), QuizFactory(keep=Quiz.Keep.LAST)
    alice, bob = UserFactory(), UserFactory()
    alice_best, alice_last = _attempts(best, alice.pk), _attempts(last, alice.pk)
    bob_last = _attempts(last, bob.pk)
    keep = {best.pk: best.keep, last.pk: last.keep}

    with django_assert_num_queries(1):
        kept = kept_quiz_scores(user_ids=[alice.pk, bob.pk], quiz_keep=keep)

    assert kept == {
        (alice.pk, best.pk): KeptQuizScore(alice_best[MONDAY], 0.9, 3, None),
        (alice.pk, last.pk): KeptQuizScore(alice_last[WEDNESDAY], 0.4, 3, None),
        (bob.pk, last.pk): KeptQuizScore(bob_last[WEDNESDAY], 0.4, 3, None),
    }
