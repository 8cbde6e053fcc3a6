"""Input and output shapes of the courseware API (the learner's side).

Before an attempt is submitted its body holds the questions as `attempt_questions_public`
builds them (no correct answer or explanation); results come only once it is submitted.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from courseware.models import Course, CourseRole, Enrolment, Lesson, Module, QuizAttempt
from courseware.selectors import (
    ModuleProgress,
    QuizStatus,
    attempt_questions_public,
    attempt_results,
)
from deadlines.selectors import answers_revealed, late_penalty_for

# A question as the learner sees it: its prompt, options and saved answer before submission,
# its correct answer, score and explanation after. Its keys depend on the question's type.
_QUESTION = serializers.DictField(child=serializers.JSONField())


class AnyJSONField(serializers.JSONField):
    """Any JSON value, null among them. (`allow_null=True` would say the same to DRF, but its
    schema, "any value or null", makes a null match twice, which JSON Schema's oneOf refuses.)"""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, None
        return super().validate_empty_values(data)


class AnswersInputSerializer(serializers.Serializer[Any]):
    """`{"answers": {question id: answer}}`; a null answer clears it. Checked by the service."""

    answers = serializers.DictField(child=AnyJSONField())


class QuizRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    module = serializers.CharField(source="module.slug")
    course = serializers.CharField(source="module.course.slug")
    keep = serializers.CharField(help_text="Which attempt's score counts: best or last.")


class AttemptSerializer(serializers.ModelSerializer[QuizAttempt]):
    """An attempt without its questions (for lists)."""

    quiz = QuizRefSerializer(read_only=True)

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "quiz",
            "number",
            "status",
            "started_at",
            "saved_at",
            "submitted_at",
            "score",
            "points",
            "max_points",
        ]


class LatePenaltySerializer(serializers.Serializer[Any]):
    """What lateness took off a score (the raw score is kept): a share 0..1, and why."""

    fraction = serializers.FloatField()
    reason = serializers.CharField(allow_blank=True)


class AttemptBodySerializer(serializers.Serializer[Any]):
    """An attempt with its questions; score, points and max_points once it is submitted."""

    id = serializers.IntegerField()
    quiz = QuizRefSerializer()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=QuizAttempt.Status.choices)
    started_at = serializers.DateTimeField()
    saved_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(required=False, allow_null=True)
    points = serializers.FloatField(required=False, allow_null=True)
    max_points = serializers.FloatField(required=False, allow_null=True)
    answers_revealed = serializers.BooleanField(
        required=False, help_text="Whether the correct answers and explanations are shown now."
    )
    late_penalty = LatePenaltySerializer(required=False)
    questions = serializers.ListField(child=_QUESTION)


def attempt_body(attempt: QuizAttempt) -> dict[str, Any]:
    """An attempt as the API answers it: its questions, and its scores once submitted (the
    correct answers only when the course's answer policy allows them now)."""
    body = {
        key: value
        for key, value in AttemptSerializer(attempt).data.items()
        if key not in ("score", "points", "max_points")
    }
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


class ModuleProgressSerializer(serializers.Serializer[ModuleProgress]):
    module = serializers.CharField(source="module.slug")
    title = serializers.CharField(source="module.title")
    lessons_read = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    quiz_score = serializers.FloatField(allow_null=True, help_text="The kept score, 0..1.")
    quiz_attempts = serializers.IntegerField()
    exercises_done = serializers.IntegerField()
    exercise_points = serializers.FloatField()
    exercise_max_points = serializers.FloatField()


class ProgressSerializer(serializers.Serializer[Any]):
    course = serializers.CharField()
    modules = ModuleProgressSerializer(many=True)


def _course_body(
    serializer_class: type[serializers.Serializer[Any]], course: Course, **lists: list[Any]
) -> dict[str, Any]:
    """A body that names its course by slug beside the lists it holds."""
    return dict(serializer_class({"course": course.slug, **lists}).data)


def progress_body(course: Course, rows: list[ModuleProgress]) -> dict[str, Any]:
    """A learner's progress in a course, one entry per module."""
    return _course_body(ProgressSerializer, course, modules=rows)


class MemberSerializer(serializers.Serializer[Enrolment]):
    """A member of a course as the API shows it (no e-mail address: the roster page has it)."""

    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=CourseRole.choices)
    cohort = serializers.CharField(source="cohort.name", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Enrolment.Status.choices)


class RosterSerializer(serializers.Serializer[Any]):
    course = serializers.CharField()
    members = MemberSerializer(many=True)


def roster_body(course: Course, members: list[Enrolment]) -> dict[str, Any]:
    return _course_body(RosterSerializer, course, members=members)


class LessonReadSerializer(serializers.Serializer[Any]):
    lesson = serializers.CharField()
    read = serializers.BooleanField()
    first_time = serializers.BooleanField()


class CourseSerializer(serializers.ModelSerializer[Course]):
    class Meta:
        model = Course
        fields = ["slug", "title", "description"]


class LessonSummarySerializer(serializers.ModelSerializer[Lesson]):
    class Meta:
        model = Lesson
        fields = ["id", "slug", "title", "reading_minutes"]


class ModuleSerializer(serializers.ModelSerializer[Module]):
    """An active module with its active lessons and its quiz (null when it has none)."""

    lessons = LessonSummarySerializer(many=True, source="active_lessons")
    quiz = serializers.SerializerMethodField()

    class Meta:
        model = Module
        fields = ["slug", "title", "order", "lessons", "quiz"]

    def get_quiz(self, module: Module) -> int | None:
        quiz = getattr(module, "active_quiz", None)
        return quiz.pk if quiz is not None else None


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    """A lesson: its rendered HTML and its Markdown source."""

    module = serializers.CharField(source="module.slug")
    course = serializers.CharField(source="course.slug")

    class Meta:
        model = Lesson
        fields = [
            "id",
            "slug",
            "title",
            "course",
            "module",
            "html",
            "source",
            "toc",
            "objectives",
            "word_count",
            "reading_minutes",
            "updated_at",
        ]


class QuizStatusSerializer(serializers.Serializer[QuizStatus]):
    """A quiz with the learner's standing in it: attempts, kept score, whether they may start."""

    id = serializers.IntegerField(source="quiz.pk")
    title = serializers.CharField(source="quiz.title")
    module = serializers.CharField(source="quiz.module.slug")
    course = serializers.CharField(source="quiz.module.course.slug")
    keep = serializers.CharField(source="quiz.keep")
    questions_per_attempt = serializers.IntegerField(source="quiz.questions_per_attempt")
    max_attempts = serializers.IntegerField(source="quiz.max_attempts", allow_null=True)
    cooldown_minutes = serializers.IntegerField(source="quiz.cooldown_minutes")
    attempts_made = serializers.SerializerMethodField()
    open_attempt = serializers.SerializerMethodField()
    kept_score = serializers.FloatField(allow_null=True)
    attempts_left = serializers.IntegerField(allow_null=True)
    next_start_at = serializers.DateTimeField(allow_null=True)
    can_start = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why no attempt may start now (blank if one may).")

    def get_attempts_made(self, status: QuizStatus) -> int:
        return len(status.attempts)

    def get_open_attempt(self, status: QuizStatus) -> int | None:
        return status.open_attempt.pk if status.open_attempt is not None else None


class CourseDetailSerializer(serializers.Serializer[Any]):
    """A course with its outline: active modules, their lessons and quizzes."""

    slug = serializers.CharField(source="course.slug")
    title = serializers.CharField(source="course.title")
    description = serializers.CharField(source="course.description")
    modules = ModuleSerializer(many=True)
