"""The dashboard's one stored result: each exercise's latest code-similarity report, computed by
a Celery task (dashboard.tasks) rather than inside the page's request."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class SimilarityRun(models.Model):
    """The latest similarity report of one exercise: asked for (PENDING), being computed
    (RUNNING), then DONE with its pairs or FAILED with the reason. Asking again reuses the row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be computed")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Computed")
        FAILED = "failed", _("Failed")

    exercise = models.OneToOneField(
        "grading.Exercise", on_delete=models.CASCADE, related_name="similarity_run"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)  # how long the computation took
    compared = models.PositiveIntegerField(default=0)
    limited = models.BooleanField(default=False)
    # [{"first": pk, "second": pk, "first_share", "second_share", "shared_tokens"}], most
    # similar first: submission pks, read back with their learners by the selector.
    pairs = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Similarity of exercise {self.exercise_id}: {self.status}"

    @property
    def is_computing(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
