"""Quiz attempts through the services: start, save, submit, limits, cooldown, kept score."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.errors import ApplicationError
from courseware.models import Enrolment, QuestionResponse, QuizAttempt
from courseware.selectors import module_progress_for_user, quiz_status_for_user
from courseware.services import (
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.courseware.helpers import WRONG, attempt_state, right_answers

ALL_QUESTIONS = {"q-single", "q-multiple", "q-numeric", "q-text", "q-softmax"}


def test_start_draws_the_configured_questions_and_enrols(quiz, learner):
    attempt, created = quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    assert created is True
    assert attempt.number == 1
    assert len(attempt.question_ids) == 5
    assert set(attempt.option_order) == {"q-single", "q-multiple"}
    assert sorted(attempt.option_order["q-single"]) == ["a", "b", "c"]
    assert Enrolment.objects.filter(user=learner, course=quiz.module.course).exists()


def test_starting_again_returns_the_open_attempt(quiz, learner):
    first, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    again, created = quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    assert (again.pk, created) == (first.pk, False)
    assert QuizAttempt.objects.count() == 1


def test_questions_per_attempt_draws_a_subset(quiz, learner):
    quiz.questions_per_attempt = 2
    quiz.save()

    draws = set()
    for _ in range(12):
        attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
        assert len(attempt.question_ids) == 2
        draws.add(tuple(attempt.question_ids))
        quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    assert len(draws) > 1


def test_right_answers_score_full_and_wrong_ones_zero(quiz, learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers=right_answers(attempt)
    )

    attempt, scored = quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    assert scored is True
    assert (attempt.status, attempt.score, attempt.points, attempt.max_points) == (
        "submitted",
        1.0,
        5.0,
        5.0,
    )
    assert QuestionResponse.objects.filter(attempt=attempt, is_correct=True).count() == 5

    second, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(attempt_id=second.pk, user_id=learner.pk, answers=WRONG)
    second, _ = quiz_attempt_submit(attempt_id=second.pk, user_id=learner.pk)
    assert second.score == 0.0
    assert second.results["q-numeric"] == {"score": 0.0, "correct": False}
    assert second.results["q-single"] == {"score": 0.0, "correct": False}  # unanswered


def test_partial_credit_counts_in_the_score(quiz, learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    right = right_answers(attempt)["q-multiple"]

    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers={"q-multiple": right[:2]}
    )
    attempt, _ = quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    assert attempt.results["q-multiple"]["score"] == pytest.approx(2 / 3)
    assert attempt.score == pytest.approx(2 / 3 / 5)


def test_saving_merges_answers_and_none_clears_one(quiz, learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers={"q-numeric": "12"}
    )
    quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=learner.pk, answers={"q-text": "x"})
    attempt.refresh_from_db()
    assert attempt.answers == {"q-numeric": 12.0, "q-text": "x"}

    quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=learner.pk, answers={"q-text": None})
    attempt.refresh_from_db()
    assert attempt.answers == {"q-numeric": 12.0}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q-unknown": "a"}, "Question 'q-unknown' is not part of this attempt."),
        (
            {"q-single": "z"},
            "Question 'q-single': That option is not one of this question's options.",
        ),
        (
            {"q-multiple": ["a", "q"]},
            "Question 'q-multiple': That option is not one of this question's",
        ),
        (
            {"q-numeric": "nan"},
            "Question 'q-numeric': Enter a finite number (not NaN or infinity).",
        ),
        ({"q-numeric": float("inf")}, "Question 'q-numeric': Enter a finite number"),
        (
            {"q-text": "x" * (1024 * 1024)},
            "Question 'q-text': That answer is too long (10 KB at most).",
        ),
        ({"q-text": "fine", "q-numeric": "bad"}, "Question 'q-numeric': “bad” is not a number."),
        (["q-text"], "`answers` must map question ids to answers."),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(quiz, learner, answers, message):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=learner.pk, answers={"q-text": "kept"})
    before = attempt_state(attempt)

    with pytest.raises(ApplicationError) as refused:
        quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=learner.pk, answers=answers)

    assert refused.value.status_code == 400
    assert refused.value.message.startswith(message.removesuffix("."))
    assert attempt_state(attempt) == before


def test_a_question_of_another_attempt_is_refused(quiz, learner):
    quiz.questions_per_attempt = 1
    quiz.save()
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    drawn = quiz.questions.get(pk=attempt.question_ids[0]).slug
    other = sorted(ALL_QUESTIONS - {drawn})[0]

    with pytest.raises(ApplicationError, match=f"Question '{other}' is not part of this attempt."):
        quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=learner.pk, answers={other: "1"})


def test_submitting_twice_scores_once(quiz, learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers=right_answers(attempt)
    )
    first, scored_first = quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    second, scored_second = quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    assert (scored_first, scored_second) == (True, False)
    assert (second.score, second.submitted_at) == (first.score, first.submitted_at)
    assert QuestionResponse.objects.filter(attempt=attempt).count() == 5


def test_the_losing_submit_of_a_race_records_nothing(quiz, learner):
    # Two requests read the attempt as open; the first commits; the conditional UPDATE of the
    # second then matches no row, so it records no responses and changes no score.
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(status="submitted", score=0.4)

    claimed = QuizAttempt.objects.filter(pk=attempt.pk, status="in_progress").update(score=1.0)

    assert claimed == 0
    attempt.refresh_from_db()
    assert attempt.score == 0.4


def test_answers_cannot_change_after_submission(quiz, learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)
    before = attempt_state(attempt)

    with pytest.raises(ApplicationError) as refused:
        quiz_attempt_answers_save(
            attempt_id=attempt.pk, user_id=learner.pk, answers={"q-text": "x"}
        )

    assert refused.value.status_code == 409
    assert attempt_state(attempt) == before


def test_another_learner_cannot_touch_an_attempt(quiz, learner, other_learner):
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    before = attempt_state(attempt)

    for call in (
        lambda: quiz_attempt_answers_save(
            attempt_id=attempt.pk, user_id=other_learner.pk, answers={"q-text": "x"}
        ),
        lambda: quiz_attempt_submit(attempt_id=attempt.pk, user_id=other_learner.pk),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.status_code == 404

    assert attempt_state(attempt) == before


def test_attempt_limit(quiz, learner):
    quiz.max_attempts = 2
    quiz.save()
    for _ in range(2):
        attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
        quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    with pytest.raises(ApplicationError, match=r"You have used all 2 attempt\(s\) of this quiz."):
        quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    assert QuizAttempt.objects.filter(user=learner).count() == 2
    status = quiz_status_for_user(user=learner, quiz=quiz)
    assert (status.can_start, status.attempts_left) == (False, 0)


def test_cooldown_between_attempts(quiz, learner):
    quiz.cooldown_minutes = 30
    quiz.save()
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    attempt, _ = quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    with pytest.raises(ApplicationError, match=r"The next attempt opens in 30 minute\(s\)."):
        quiz_attempt_start(user_id=learner.pk, quiz=quiz, now=attempt.submitted_at)

    later = attempt.submitted_at + timedelta(minutes=30, seconds=1)
    second, created = quiz_attempt_start(user_id=learner.pk, quiz=quiz, now=later)
    assert (second.number, created) == (2, True)


@pytest.mark.parametrize(("keep", "expected"), [("best", 1.0), ("last", 0.0)])
def test_kept_score_is_best_or_last(quiz, learner, keep, expected):
    quiz.keep = keep
    quiz.save()
    first, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(attempt_id=first.pk, user_id=learner.pk, answers=right_answers(first))
    quiz_attempt_submit(attempt_id=first.pk, user_id=learner.pk)
    second, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    QuizAttempt.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(hours=1))
    quiz_attempt_submit(attempt_id=second.pk, user_id=learner.pk)

    basics = module_progress_for_user(user=learner, course=quiz.module.course)[0]

    assert (basics.quiz_score, basics.quiz_attempts) == (expected, 2)
    assert quiz_status_for_user(user=learner, quiz=quiz).kept_score == expected


def test_variants_are_stable_per_attempt_and_differ_between_learners(quiz, learner, other_learner):
    from courseware.selectors import attempt_questions_public

    mine, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    theirs, _ = quiz_attempt_start(user_id=other_learner.pk, quiz=quiz)

    def softmax_prompt(attempt):
        return next(q for q in attempt_questions_public(attempt=attempt) if q["id"] == "q-softmax")

    assert softmax_prompt(mine) == softmax_prompt(QuizAttempt.objects.get(pk=mine.pk))
    assert mine.seed != theirs.seed
    prompts = set()
    for _ in range(8):
        attempt, _ = quiz_attempt_start(user_id=other_learner.pk, quiz=quiz)
        prompts.add(softmax_prompt(attempt)["prompt_html"])
        quiz_attempt_submit(attempt_id=attempt.pk, user_id=other_learner.pk)
    assert len(prompts) >= 4


def test_inactive_quiz_cannot_be_started(quiz, learner):
    quiz.is_active = False
    quiz.save()

    with pytest.raises(ApplicationError, match="This quiz is no longer open."):
        quiz_attempt_start(user_id=learner.pk, quiz=quiz)
