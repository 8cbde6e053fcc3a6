"""Input and output shapes of the courseware API.

Before an attempt is submitted its body holds the questions as `attempt_questions_public`
builds them (no correct answer or explanation); results come only once it is submitted.
"""

from typing import Any

from rest_framework import serializers

from courseware.models import Course, Enrolment, QuizAttempt
from courseware.selectors import ModuleProgress, attempt_questions_public, attempt_results
from deadlines.selectors import answers_revealed, late_penalty_for


class AnswersInputSerializer(serializers.Serializer[Any]):
    """`{"answers": {question id: answer}}`; a null answer clears it. Checked by the service."""

    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))


class AttemptSerializer(serializers.ModelSerializer[QuizAttempt]):
    quiz = serializers.SerializerMethodField()

    class Meta:
        model = QuizAttempt
        fields = ["id", "quiz", "number", "status", "started_at", "saved_at", "submitted_at"]

    def get_quiz(self, attempt: QuizAttempt) -> dict[str, Any]:
        quiz = attempt.quiz
        return {
            "id": quiz.pk,
            "title": quiz.title,
            "module": quiz.module.slug,
            "course": quiz.module.course.slug,
            "keep": quiz.keep,
        }


def attempt_body(attempt: QuizAttempt) -> dict[str, Any]:
    """An attempt as the API answers it: its questions, and its scores once submitted (the
    correct answers only when the course's answer policy allows them now)."""
    body = dict(AttemptSerializer(attempt).data)
    if attempt.is_submitted and attempt.submitted_at is not None:
        reveal = answers_revealed(user=attempt.user, quiz=attempt.quiz)
        penalty = late_penalty_for(attempt.user, attempt.quiz, attempt.submitted_at)
        body.update(
            score=attempt.score,
            points=attempt.points,
            max_points=attempt.max_points,
            answers_revealed=reveal,
            late_penalty={"fraction": penalty.fraction, "reason": penalty.reason},
            questions=attempt_results(attempt=attempt, reveal=reveal),
        )
    else:
        body["questions"] = attempt_questions_public(attempt=attempt)
    return body


def progress_body(course: Course, rows: list[ModuleProgress]) -> dict[str, Any]:
    """A learner's progress in a course, one entry per module."""
    return {
        "course": course.slug,
        "modules": [
            {
                "module": row.module.slug,
                "title": row.module.title,
                "lessons_read": row.lessons_read,
                "lessons_total": row.lessons_total,
                "quiz_score": row.quiz_score,
                "quiz_attempts": row.quiz_attempts,
                "exercises_done": row.exercises_done,
                "exercise_points": row.exercise_points,
                "exercise_max_points": row.exercise_max_points,
            }
            for row in rows
        ],
    }


def roster_body(course: Course, members: list[Enrolment]) -> dict[str, Any]:
    """The roster as the API answers it (no e-mail addresses: the page shows those)."""
    return {
        "course": course.slug,
        "members": [
            {
                "username": member.user.get_username(),
                "role": member.role,
                "cohort": member.cohort.name if member.cohort else None,
                "status": member.status,
            }
            for member in members
        ],
    }
