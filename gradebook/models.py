"""What the gradebook stores: the course's weights and the manual overrides.

Scores themselves are not stored here: they are read from the progress rows (lessons read, quiz
attempts, exercise progress) each time, so the gradebook never disagrees with the course pages.
An item of the gradebook is named by a key built from slugs (`gradebook.selectors.items`), the
identity the importer keeps across re-imports, so overrides survive a re-import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CourseWeights(models.Model):
    """How much each item type counts inside a module (instructors edit it). No row: all 1."""

    course = models.OneToOneField(
        "courseware.Course", on_delete=models.CASCADE, related_name="grade_weights"
    )
    lessons = models.FloatField(default=1.0)
    quizzes = models.FloatField(default=1.0)
    exercises = models.FloatField(default=1.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "course weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(lessons__gte=0) & Q(quizzes__gte=0) & Q(exercises__gte=0),
                name="course_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Weights of {self.course_id}"


class ModuleWeight(models.Model):
    """How much a module counts in the course total (no row: 1)."""

    module = models.OneToOneField(
        "courseware.Module", on_delete=models.CASCADE, related_name="grade_weight"
    )
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="module_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.module_id}: {self.weight:g}"


class GradeOverride(models.Model):
    """A score set by hand for one learner and item, with its reason, author and time.

    Rows are only ever added: the newest row of a (learner, item) is the one that counts, a row
    with no score withdraws the override, and the older rows are the history. `original_score`
    is the computed score the override replaced when it was set; the gradebook also shows the
    computed score as it is now.
    """

    course = models.ForeignKey(
        "courseware.Course", on_delete=models.CASCADE, related_name="grade_overrides"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_overrides"
    )
    item_key = models.CharField(max_length=400)
    score = models.FloatField(null=True, blank=True)  # 0..1; None: the override is withdrawn
    original_score = models.FloatField(null=True, blank=True)  # 0..1, None: no score then
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grade_overrides_made",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "user", "item_key", "created_at", "pk"]
        indexes = [models.Index(fields=["course", "user", "item_key", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                name="grade_override_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.item_key}: {self.score}"

    @property
    def is_withdrawal(self) -> bool:
        return self.score is None
