"""Courses as imported from content/, quizzes with their attempts, enrolment and progress.

Slugs are the identity of modules, lessons and questions: the importer matches on them, so a
re-import updates rows in place and learners keep their history. Rows that learners have
history on are never deleted by an import, only deactivated (`is_active=False`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class Course(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Course settings (instructors only): whether a logged-in visitor may enrol themselves, and
    # the course-wide join code (blank: no link; regenerating it voids the old link).
    self_enrolment = models.BooleanField(default=True)
    join_code = models.CharField(max_length=32, blank=True, default="")
    # The completion rule (course settings, instructors only; selectors.course_completion):
    # every active lesson read (or not asked), each module quiz's kept score at least
    # `completion_quiz_percent`, each active exercise at least `completion_exercise_percent` of
    # its points. The defaults: every lesson, 60% on each quiz, each exercise with full marks
    # (what the exercise pages call "passed").
    completion_requires_lessons = models.BooleanField(default=True)
    completion_quiz_percent = models.PositiveSmallIntegerField(
        default=60, validators=[MaxValueValidator(100)]
    )
    completion_exercise_percent = models.PositiveSmallIntegerField(
        default=100, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"], condition=~Q(join_code=""), name="course_join_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(completion_quiz_percent__lte=100, completion_exercise_percent__lte=100),
                name="course_completion_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(models.Model):
    """One entry of a course's glossary (content/<course>/glossary.yaml)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="glossary_terms")
    slug = models.SlugField(max_length=100)
    term = models.CharField(max_length=200)
    definition_html = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="glossary_term_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.term


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["course", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    source_path = models.CharField(max_length=500, blank=True)
    source = models.TextField()
    html = models.TextField()
    toc = models.JSONField(default=list)  # [{"level": 2, "id": "...", "text": "..."}]
    text = models.TextField(blank=True)  # plain text, for search
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    # From the module's extras.yaml (content/lesson_extras.py): what the lesson teaches, as
    # rendered HTML strings, and its "check yourself" questions (prompt/explanation HTML,
    # options with `correct`). Not graded, so the answers may be shown on the page.
    objectives = models.JSONField(default=list, blank=True)
    checks = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "module__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    class Keep(models.TextChoices):
        BEST = "best", gettext_lazy("Best attempt")
        LAST = "last", gettext_lazy("Last attempt")

    module = models.OneToOneField(Module, on_delete=models.PROTECT, related_name="quiz")
    title = models.CharField(max_length=200)
    source_path = models.CharField(max_length=500, blank=True)
    questions_per_attempt = models.PositiveIntegerField(default=5)
    max_attempts = models.PositiveIntegerField(null=True, blank=True)
    cooldown_minutes = models.PositiveIntegerField(default=0)
    keep = models.CharField(max_length=4, choices=Keep.choices, default=Keep.BEST)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", gettext_lazy("Single choice")
        MULTIPLE = "multiple", gettext_lazy("Multiple select")
        NUMERIC = "numeric", gettext_lazy("Numeric")
        TEXT = "text", gettext_lazy("Short text")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="questions")
    slug = models.CharField(max_length=200)  # the bank's `id`
    type = models.CharField(max_length=10, choices=Type.choices)
    # The question as authored (prompt, options with `correct`, answer, explanation...). It holds
    # the answer: only courseware.questions may turn it into something a learner sees.
    spec = models.JSONField()
    order = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["quiz", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="question_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.slug


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", gettext_lazy("In progress")
        SUBMITTED = "submitted", gettext_lazy("Submitted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()  # 1, 2, ... per learner and quiz
    seed = models.BigIntegerField()
    question_ids = models.JSONField()  # Question pks, in the order shown
    option_order = models.JSONField(default=dict)  # question slug -> [option ids], as shown
    answers = models.JSONField(default=dict)  # question slug -> saved answer
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    score = models.FloatField(null=True, blank=True)  # 0..1, set once on submission
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)
    results = models.JSONField(default=dict)  # question slug -> {"score": .., "correct": ..}
    started_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="quiz_attempt_unique_number"
            ),
            # At most one open attempt per learner and quiz: two tabs that both press "start"
            # get the same attempt.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="quiz_attempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.user})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class QuestionResponse(models.Model):
    """One scored answer of a submitted attempt: the rows item analysis is computed from."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField(null=True, blank=True)
    score = models.FloatField()
    is_correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="question_response_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.score:g}"


class CourseRole(models.TextChoices):
    """A member's role in one course. Global `is_staff` is for site operators only."""

    INSTRUCTOR = "instructor", gettext_lazy("Instructor")
    TEACHING_ASSISTANT = "ta", gettext_lazy("Teaching assistant")
    LEARNER = "learner", gettext_lazy("Learner")


class Cohort(models.Model):
    """A section of a course; a learner is in at most one (Enrolment.cohort)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100)
    # Joining by this code enrols into the course and this cohort (blank: no link).
    join_code = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="cohort_unique_name"),
            models.UniqueConstraint(
                fields=["join_code"], condition=~Q(join_code=""), name="cohort_join_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A user's membership of a course: role, cohort and status. Dropping a learner sets the
    status and keeps the row, so their history (reads, attempts, submissions) stays."""

    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        DROPPED = "dropped", gettext_lazy("Dropped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=10, choices=CourseRole.choices, default=CourseRole.LEARNER)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Invitation(models.Model):
    """An e-mailed invitation for an address with no account: signing up through its link
    enrols the new account (accepted_by, accepted_at)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=CourseRole.choices, default=CourseRole.LEARNER)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open invitation per address and course: inviting again re-sends it.
            models.UniqueConstraint(
                fields=["course", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.course_id}"


class LessonRead(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_reads"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.lesson_id}"


class ExerciseProgress(models.Model):
    """A learner's best score on one exercise, reported by the grading app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="exercise_progress")
    exercise_key = models.CharField(max_length=200)
    best_points = models.FloatField(default=0)
    max_points = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "exercise_key"], name="exercise_progress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.exercise_key}: {self.best_points:g}/{self.max_points:g}"
