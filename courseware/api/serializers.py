"""Input and output shapes of the courseware API."""

from typing import Any

from rest_framework import serializers

from courseware.models import QuizAttempt


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
