"""A certificate of completion: one per learner and course, found publicly by its code.

What it certifies (the learner's name, the course's title, the result) is copied at issue, so a
later rename or a regrade does not rewrite a certificate someone has already shown. Revoking
keeps the row: the verification page then says it was revoked, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from courseware.models import Course


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificates")
    # secrets.token_urlsafe: the public verification URL's only key, so it is unguessable.
    code = models.CharField(max_length=64, unique=True)
    learner_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    quiz_average = models.FloatField(null=True, blank=True)  # 0..1; None: the course has no quiz
    exercise_points = models.FloatField(default=0)
    exercise_max_points = models.FloatField(default=0)
    lessons_read = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates_revoked",
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["course", "-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="certificate_one_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_name}: {self.course_title}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
