"""What the grading API shows: never a source notebook, a solution or a hidden test."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from courseware.models import Module
from deadlines.selectors import late_penalty_for
from grading.feedback import feedback_to_json
from grading.models import Exercise, GradingRun, Submission
from grading.selectors import run_place


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    module: serializers.SlugRelatedField[Module] = serializers.SlugRelatedField(
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


class RunSerializer(serializers.ModelSerializer[GradingRun]):
    """A run as its learner sees it: never its seed or the instructors' failure detail."""

    feedback = serializers.SerializerMethodField()

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

    def get_feedback(self, run: GradingRun) -> dict[str, object]:
        return feedback_to_json(run.learner_feedback)


class StaffRunSerializer(RunSerializer):
    """A run as instructors see it."""

    class Meta:
        model = GradingRun
        fields = [*RunSerializer.Meta.fields, "seed", "failure_detail", "requeues", "deliveries"]


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    runs = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    late_penalty = serializers.SerializerMethodField()

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
            "place",
            "runs",
            "late_penalty",
        ]

    def get_late_penalty(self, submission: Submission) -> dict[str, Any]:
        """What lateness costs this submission (the runs' points stay raw) and why."""
        penalty = late_penalty_for(submission.user, submission.exercise, submission.created_at)
        return {"fraction": penalty.fraction, "reason": penalty.reason}

    def get_runs(self, submission: Submission) -> list[dict[str, Any]]:
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        return [dict(RunSerializer(run).data) for run in runs]

    def get_status(self, submission: Submission) -> str:
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        return runs[-1].status if runs else "queued"

    def get_place(self, submission: Submission) -> dict[str, Any] | None:
        """The latest run's place in line while it waits (see selectors.RunPlace)."""
        runs = sorted(submission.runs.all(), key=lambda run: run.number)
        place = run_place(runs[-1]) if runs else None
        return place.as_json() if place is not None else None


class RegradeSerializer(serializers.Serializer[None]):
    """Input only: it never wraps an instance."""

    fresh_seed = serializers.BooleanField(default=False)


class SubmissionCreateSerializer(serializers.Serializer[None]):
    """Input only: it never wraps an instance."""

    code = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=102400, trim_whitespace=False)
    )
