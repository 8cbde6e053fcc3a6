"""What the grading API shows: never a source notebook, a solution or a hidden test (a hidden
test's output and traceback go to the course's teaching staff only, StaffRunSerializer)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courseware.api.serializers import LatePenaltySerializer
from courseware.models import Module
from deadlines.selectors import late_penalty_for
from grading.feedback import feedback_to_json, hidden_details_to_json
from grading.models import Exercise, GradingRun, Submission
from grading.notebooks import MAX_ANSWER_BYTES, MAX_NOTEBOOK_BYTES
from grading.selectors import RunPlace, run_place


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    module: serializers.SlugRelatedField[Module] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    course = serializers.CharField(source="module.course.slug", read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "title",
            "course",
            "module",
            "statement_html",
            "starter_code",
            "device",
            "max_points",
            "lesson_slug",
        ]


class CellFeedbackSerializer(serializers.Serializer[Any]):
    """A test cell as the learner sees it (grading.feedback.cell_to_json): a hidden test has
    no output or traceback, only the author's hint when it failed."""

    grade_id = serializers.CharField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    passed = serializers.BooleanField()
    hidden = serializers.BooleanField()
    output = serializers.CharField(required=False, allow_blank=True)
    traceback = serializers.CharField(required=False, allow_blank=True)
    hint = serializers.CharField(required=False, allow_blank=True)


class LearnerErrorSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    error = serializers.CharField()
    line = serializers.IntegerField(required=False, help_text="The line of the cell, when known.")


class CauseSerializer(serializers.Serializer[Any]):
    """What went wrong first (grading.causes.Cause): the failing tests follow from it."""

    kind = serializers.CharField()
    summary = serializers.CharField()
    cell_id = serializers.CharField(allow_blank=True)
    line = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Which sentence `summary` is (grading.causes.SENTENCES); blank for a crash.",
    )
    limit = serializers.FloatField(
        required=False, allow_null=True, help_text="The limit it names: seconds, MB or kB."
    )
    error = serializers.CharField(
        required=False, allow_blank=True, help_text="The learner's error as Python wrote it."
    )


class FeedbackSerializer(serializers.Serializer[Any]):
    """The learner's view of a grading, as grading.feedback.feedback_to_json writes it: the
    schema of what RunSerializer.feedback returns."""

    cells = CellFeedbackSerializer(many=True)
    learner_output = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)
    learner_errors = LearnerErrorSerializer(many=True)
    timings = serializers.DictField(child=serializers.FloatField())
    cause = CauseSerializer(required=False)


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

    @extend_schema_field(FeedbackSerializer)
    def get_feedback(self, run: GradingRun) -> dict[str, object]:
        return feedback_to_json(run.learner_feedback)


class HiddenTestDetailSerializer(serializers.Serializer[Any]):
    """What a hidden test printed and raised (grading.feedback.HiddenTestDetail)."""

    grade_id = serializers.CharField()
    output = serializers.CharField(allow_blank=True)
    traceback = serializers.CharField(allow_blank=True)


class StaffRunSerializer(RunSerializer):
    """A run as the course's teaching staff see it, with the hidden tests' output and
    tracebacks."""

    hidden_tests = serializers.SerializerMethodField()

    class Meta:
        model = GradingRun
        fields = [
            *RunSerializer.Meta.fields,
            "seed",
            "failure_detail",
            "requeues",
            "deliveries",
            "hidden_tests",
        ]

    @extend_schema_field(HiddenTestDetailSerializer(many=True))
    def get_hidden_tests(self, run: GradingRun) -> list[dict[str, object]]:
        return hidden_details_to_json(run.hidden_test_details)


class RunPlaceSerializer(serializers.Serializer[RunPlace]):
    """Where a run that has not started stands in line (see selectors.RunPlace)."""

    status = serializers.ChoiceField(choices=["queued", "waiting"])
    ahead = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()


def _runs(submission: Submission) -> list[GradingRun]:
    return sorted(submission.runs.all(), key=lambda run: run.number)


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    runs = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    late_penalty = serializers.SerializerMethodField()
    run_serializer: type[serializers.ModelSerializer[GradingRun]] = RunSerializer

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

    @extend_schema_field(LatePenaltySerializer)
    def get_late_penalty(self, submission: Submission) -> dict[str, Any]:
        """What lateness costs this submission (the runs' points stay raw) and why."""
        penalty = late_penalty_for(submission.user, submission.exercise, submission.created_at)
        return {"fraction": penalty.fraction, "reason": penalty.reason}

    @extend_schema_field(RunSerializer(many=True))
    def get_runs(self, submission: Submission) -> list[dict[str, Any]]:
        return [dict(self.run_serializer(run).data) for run in _runs(submission)]

    @extend_schema_field(serializers.ChoiceField(choices=GradingRun.Status.choices))
    def get_status(self, submission: Submission) -> str:
        runs = _runs(submission)
        return runs[-1].status if runs else GradingRun.Status.QUEUED

    @extend_schema_field(RunPlaceSerializer(allow_null=True))
    def get_place(self, submission: Submission) -> dict[str, Any] | None:
        """The latest run's place in line while it waits."""
        runs = _runs(submission)
        place = run_place(runs[-1]) if runs else None
        return dict(RunPlaceSerializer(place).data) if place is not None else None


class StaffSubmissionSerializer(SubmissionSerializer):
    """A submission as its course's teaching staff see it: whose it is, runs with seeds."""

    username = serializers.CharField(source="user.username", read_only=True)
    run_serializer = StaffRunSerializer

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "username"]

    @extend_schema_field(StaffRunSerializer(many=True))
    def get_runs(self, submission: Submission) -> list[dict[str, Any]]:
        return super().get_runs(submission)


class RegradeSerializer(serializers.Serializer[Any]):
    fresh_seed = serializers.BooleanField(
        default=False, help_text="Draw new hidden inputs instead of reusing the last run's."
    )


class SubmissionCreateSerializer(serializers.Serializer[Any]):
    """Code per answer cell (JSON), or an uploaded .ipynb (multipart `notebook`): one of them."""

    code = serializers.DictField(
        required=False,
        child=serializers.CharField(
            allow_blank=True, max_length=MAX_ANSWER_BYTES, trim_whitespace=False
        ),
        help_text="Answer cell grade_id -> code.",
    )
    notebook = serializers.FileField(
        required=False, allow_empty_file=False, help_text="The exercise's notebook, filled in."
    )

    def validate_notebook(self, upload: Any) -> bytes:
        # The one notebook limit (grading.notebooks, which read_notebook checks again): refused
        # here before the upload is read into memory.
        if upload.size > MAX_NOTEBOOK_BYTES:
            raise serializers.ValidationError(
                f"The notebook is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MB."
            )
        return bytes(upload.read())

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("code" in data) == ("notebook" in data):
            raise serializers.ValidationError("Send either `code` or a `notebook` file.")
        return data


class HintSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    html = serializers.CharField(help_text="The hint's markdown, rendered to safe HTML.")
    is_solution = serializers.BooleanField(help_text="The author marked it as the solution.")


class HintsSerializer(serializers.Serializer[Any]):
    revealed = HintSerializer(many=True)
    total = serializers.IntegerField(help_text="How many hints the exercise has.")


class SubmissionsQuerySerializer(serializers.Serializer[Any]):
    learner = serializers.CharField(
        required=False, max_length=150, help_text="Only this learner's (exact username)."
    )
    ordering = serializers.ChoiceField(
        required=False, choices=["created_at", "-created_at"], default="-created_at"
    )
