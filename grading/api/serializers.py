"""What the grading API shows: never a source notebook, a solution or a hidden test."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from grading.models import Exercise, GradingRun, Submission


class ExerciseSerializer(serializers.ModelSerializer):
    module: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "title",
            "module",
            "statement_html",
            "starter_code",
            "device",
            "max_points",
            "lesson_slug",
        ]


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradingRun
        fields = [
            "number",
            "reason",
            "status",
            "status_message",
            "points",
            "max_points",
            "feedback",
            "queued_at",
            "finished_at",
        ]


class SubmissionSerializer(serializers.ModelSerializer):
    runs = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "exercise",
            "kind",
            "answers",
            "edited_locked_cells",
            "created_at",
            "status",
            "runs",
        ]

    def get_runs(self, submission: Submission) -> list[dict[str, Any]]:
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        return [dict(RunSerializer(run).data) for run in runs]

    def get_status(self, submission: Submission) -> str:
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        return runs[-1].status if runs else "queued"


class SubmissionCreateSerializer(serializers.Serializer):
    code = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=102400, trim_whitespace=False)
    )
