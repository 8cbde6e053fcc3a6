"""Exercises, submissions as received, and one row per grading of a submission."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy

from grading.feedback import (
    Feedback,
    HiddenTestDetail,
    feedback_from_json,
    hidden_details_from_json,
    staff_feedback,
)


class Exercise(models.Model):
    class Device(models.TextChoices):
        CPU = "cpu", gettext_lazy("CPU")
        PREFER_GPU = "prefer-gpu", gettext_lazy("GPU preferred")
        REQUIRE_GPU = "require-gpu", gettext_lazy("GPU required")

    module = models.ForeignKey(
        "courseware.Module", on_delete=models.PROTECT, related_name="exercises"
    )
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    lesson_slug = models.CharField(max_length=200, blank=True)
    statement_html = models.TextField(blank=True)
    # The source notebook holds solutions and hidden tests: it never leaves the server.
    source_notebook = models.JSONField()
    release_notebook = models.JSONField()
    starter_code = models.JSONField(default=dict)  # answer grade_id -> starter code
    # The source notebook's code cells sorted into setup, answer and test cells (with their
    # solutions and hidden tests: never leaves the server either), stored at import so that no
    # grading derives them again: grading.prepared.PreparedNotebook.stored_cells().
    cells = models.JSONField(default=list)
    device = models.CharField(max_length=20, choices=Device.choices, default=Device.CPU)
    wall_seconds = models.PositiveIntegerField(default=30)
    memory_mb = models.PositiveIntegerField(default=1024)
    hints = models.JSONField(default=list)
    test_hints = models.JSONField(default=dict)  # test grade_id -> hint shown on failure
    checks = models.JSONField(default=list)
    # Files of the exercise's data/ folder (relative path -> base64): both sandboxes find them in
    # their working directory, as nbgrader's kernel finds files beside the notebook.
    data_files = models.JSONField(default=dict, blank=True)
    max_points = models.FloatField(default=0)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="exercise_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """What the learner sent, stored as received and never changed."""

    class Kind(models.TextChoices):
        CODE = "code", gettext_lazy("Code from the page")
        NOTEBOOK = "notebook", gettext_lazy("Uploaded notebook")

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="submissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.TextField()  # the code or the notebook JSON, as received
    answers = models.JSONField()  # answer grade_id -> code, taken from the payload
    edited_locked_cells = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "exercise", "created_at"])]

    def __str__(self) -> str:
        return f"Submission {self.pk} to {self.exercise_id} by {self.user_id}"


SEED_LIMIT = 2**31


def new_seed() -> int:
    """A grading's seed: drawn by the server, stored on the run, never shown to the learner."""
    return secrets.randbelow(SEED_LIMIT)


class RunRecord(models.Model):
    """What a grading run and a practice run share: their life (QUEUED -> RUNNING -> GRADED or
    FAILED, claimed with a token), the seed of their random inputs, and the score and feedback
    they end with. Abstract: each keeps its own table and its own status choices."""

    # Status values both kinds of run have (each declares them again in its own choices).
    QUEUED = "queued"
    RUNNING = "running"
    GRADED = "graded"
    FAILED = "failed"

    status: models.CharField[str, str]
    status_message = models.TextField(blank=True)  # shown to the learner
    # Why a run failed, in the grader's words: for instructors only (it may quote a test).
    failure_detail = models.TextField(blank=True)
    queue = models.CharField(max_length=40, default="grading")
    claim_token = models.UUIDField(default=uuid.uuid4)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A PositiveIntegerField is a non-negative 32-bit integer in the database: below 2**31.
    seed = models.PositiveIntegerField(default=new_seed)
    # When the run last entered the broker's queue (for a waiting run: when it was created).
    # claimed_at and queued_at are written by the database's clock, never a host's: the watchdog
    # compares them on whichever host runs beat, with web and workers on others.
    queued_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)
    # The learner's feedback as grading.feedback.feedback_to_json stores it; read it typed
    # through `learner_feedback`.
    feedback = models.JSONField(default=dict)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (self.GRADED, self.FAILED)

    @property
    def learner_feedback(self) -> Feedback:
        """What the learner is shown of this run (the pages, the API): both kinds of run store
        it with the same codec."""
        return feedback_from_json(self.feedback)


class GradingRun(RunRecord):
    """One grading of one submission. Regrades add rows; nothing is overwritten."""

    class Status(models.TextChoices):
        # Not yet sent to the broker: the learner already has their share of gradings in it.
        WAITING = "waiting", gettext_lazy("Waiting for your earlier submissions")
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        GRADED = "graded", gettext_lazy("Graded")
        FAILED = "failed", gettext_lazy("Failed")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(default=1)
    reason = models.CharField(max_length=40, default="submitted")  # submitted | regrade | requeue
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    deliveries = models.PositiveIntegerField(default=0)
    # Times the watchdog sent the run to the broker again (lost task or vanished worker).
    requeues = models.PositiveIntegerField(default=0)
    exercise_hash = models.CharField(max_length=64, blank=True)
    # What the hidden tests printed and raised (grading.feedback.hidden_details_to_json): it
    # reveals the hidden tests, so only the course's teaching staff read it (`staff_feedback`),
    # never the learner's pages, API or export.
    hidden_tests = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="run_unique_number"),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            # The learner's place in line: queued runs of one queue, oldest first.
            models.Index(fields=["status", "queue", "queued_at"], name="run_queue_place"),
        ]

    def __str__(self) -> str:
        return f"Grading {self.number} of submission {self.submission_id}: {self.status}"

    @property
    def hidden_test_details(self) -> tuple[HiddenTestDetail, ...]:
        return hidden_details_from_json(self.hidden_tests)

    @property
    def staff_feedback(self) -> Feedback:
        """The unmasked feedback, for the course's teaching staff only."""
        return staff_feedback(feedback=self.learner_feedback, hidden=self.hidden_test_details)


class HintReveal(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hint_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    revealed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="hint_reveal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.revealed} hints of {self.exercise_id} for {self.user_id}"


class Draft(models.Model):
    """The learner's unsent code for an exercise, saved as they type: one row per learner and
    exercise, overwritten in place, so a reload or another device opens where they left off."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    code = models.JSONField(default=dict)  # answer grade_id -> code
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise"], name="draft_unique_learner"),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.exercise_id} by {self.user_id}"


class PracticeRun(RunRecord):
    """ "Run the visible tests": the learner's code checked against the visible test cells only,
    in the same two sandboxes as a grading. It is not a submission: no score, no progress, not
    in the submission history, and its own (looser) hourly limit. Its points are of the visible
    tests only."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        GRADED = "graded", gettext_lazy("Checked")
        FAILED = "failed", gettext_lazy("Failed")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="practice_runs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_runs"
    )
    answers = models.JSONField()  # answer grade_id -> code, as received
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["user", "exercise", "queued_at"])]

    def __str__(self) -> str:
        return f"Practice run {self.pk} of {self.exercise_id} by {self.user_id}: {self.status}"


class SubmissionComment(models.Model):
    """A note from the teaching staff to the learner about one submission; the learner reads it
    on their submission page. Kept when its author's account is removed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on submission {self.submission_id}"
