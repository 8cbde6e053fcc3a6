"""Helpers for quiz tests: the right (and a wrong) answer of each question of an attempt."""

from typing import Any

from courseware.models import Question, Quiz, QuizAttempt
from courseware.questions import correct_answer_public, question_variant
from deadlines.models import CoursePolicy


def right_answers(attempt: QuizAttempt) -> dict[str, Any]:
    """Question id -> an answer (as a learner sends it) that scores full."""
    answers = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        variant = question_variant(spec=question.spec, key=question.slug, seed=attempt.seed)
        answers[question.slug] = correct_answer_public(
            spec=question.spec,
            variant=variant,
            option_order=attempt.option_order.get(question.slug),
        )
    return answers


def answer_quiz(page, attempt: QuizAttempt) -> None:
    """Give every question of the attempt open in the (Playwright) page its right answer, by
    clicking and typing."""
    for key, answer in right_answers(attempt).items():
        name = f"q-{key}"
        if isinstance(answer, list):
            for letter in answer:
                page.check(f'input[name="{name}"][value="{letter}"]')
        elif attempt.option_order.get(key):
            page.check(f'input[name="{name}"][value="{answer}"]')
        else:
            text = repr(answer) if isinstance(answer, float) else str(answer)
            page.fill(f'input[name="{name}"]', text)


WRONG = {
    "q-numeric": "7",
    "q-text": "no idea",
    "q-softmax": "-1",
}


def attempt_state(attempt: QuizAttempt) -> tuple:
    attempt.refresh_from_db()
    return (attempt.status, attempt.answers, attempt.score, attempt.results, attempt.saved_at)


def answers_shown_after_every_attempt(quiz: Quiz) -> None:
    """The course shows correct answers after every attempt (the default withholds them while
    the learner has attempts left before the due date)."""
    CoursePolicy.objects.update_or_create(
        course_id=quiz.module.course_id, defaults={"answer_reveal": CoursePolicy.Reveal.ALWAYS}
    )
