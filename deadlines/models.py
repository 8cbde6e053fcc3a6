"""Due dates, extensions and a course's late and answer policy.

An item with a due date is a module, a quiz or an exercise: each row names exactly one of them
(a check constraint), so the foreign keys keep their integrity and their cascades. A due date
with no cohort is the course-wide default, for learners in no cohort or in a cohort without one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

ITEM_FIELDS = ("module", "quiz", "exercise")


def _exactly_one_item(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            Q(module__isnull=False, quiz__isnull=True, exercise__isnull=True)
            | Q(module__isnull=True, quiz__isnull=False, exercise__isnull=True)
            | Q(module__isnull=True, quiz__isnull=True, exercise__isnull=False)
        ),
        name=name,
    )


def _one_due_date_per(item: str) -> list[models.UniqueConstraint]:
    """One date per item and cohort, and one default (no cohort) per item."""
    return [
        models.UniqueConstraint(
            fields=[item, "cohort"],
            condition=Q(**{f"{item}__isnull": False, "cohort__isnull": False}),
            name=f"due_date_one_per_{item}_cohort",
        ),
        models.UniqueConstraint(
            fields=[item],
            condition=Q(**{f"{item}__isnull": False, "cohort__isnull": True}),
            name=f"due_date_one_default_per_{item}",
        ),
    ]


class CoursePolicy(models.Model):
    """A course's late policy and when its quizzes show correct answers. A course without a row
    has the defaults below (`deadlines.selectors.course_policy`)."""

    class Late(models.TextChoices):
        ACCEPT = "accept", gettext_lazy("Accept late work")
        PENALTY = "penalty", gettext_lazy("Accept late work with a penalty per day late")
        CLOSE = "close", gettext_lazy("Refuse late work")

    class Reveal(models.TextChoices):
        # The default: nothing to harvest while the learner can still try again before the date.
        AFTER_DUE_OR_LAST_ATTEMPT = (
            "due_or_last",
            gettext_lazy("After the due date or the last allowed attempt, whichever comes first"),
        )
        AFTER_DUE = "due", gettext_lazy("After the due date")
        AFTER_LAST_ATTEMPT = "last_attempt", gettext_lazy("After the last allowed attempt")
        ALWAYS = "always", gettext_lazy("After every attempt")

    course = models.OneToOneField(
        "courseware.Course", on_delete=models.CASCADE, related_name="deadline_policy"
    )
    late = models.CharField(max_length=8, choices=Late.choices, default=Late.ACCEPT)
    penalty_percent_per_day = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(100)]
    )
    penalty_cap_percent = models.PositiveSmallIntegerField(
        default=50, validators=[MaxValueValidator(100)]
    )
    answer_reveal = models.CharField(
        max_length=12, choices=Reveal.choices, default=Reveal.AFTER_DUE_OR_LAST_ATTEMPT
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "course policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(penalty_percent_per_day__lte=100, penalty_cap_percent__lte=100),
                name="course_policy_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy of {self.course_id}"


class DueDate(models.Model):
    """When one item is due for one cohort (or, with no cohort, for everyone else)."""

    course = models.ForeignKey(
        "courseware.Course", on_delete=models.CASCADE, related_name="due_dates"
    )
    module = models.ForeignKey(
        "courseware.Module", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "courseware.Quiz", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    exercise = models.ForeignKey(
        "grading.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cohort = models.ForeignKey(
        "courseware.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            _exactly_one_item("due_date_exactly_one_item"),
            *_one_due_date_per("module"),
            *_one_due_date_per("quiz"),
            *_one_due_date_per("exercise"),
        ]

    def __str__(self) -> str:
        return f"Due {self.due_at:%Y-%m-%d %H:%M} ({self.course_id})"


class Extension(models.Model):
    """A later due date for one learner and one item: who granted it, when and why. Granting
    again replaces it (one per learner and item)."""

    course = models.ForeignKey(
        "courseware.Course", on_delete=models.CASCADE, related_name="extensions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    module = models.ForeignKey(
        "courseware.Module", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "courseware.Quiz", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    exercise = models.ForeignKey(
        "grading.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extensions_granted",
    )
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["course", "-granted_at", "pk"]
        constraints = [
            _exactly_one_item("extension_exactly_one_item"),
            *(
                models.UniqueConstraint(
                    fields=["user", item],
                    condition=Q(**{f"{item}__isnull": False}),
                    name=f"extension_one_per_learner_{item}",
                )
                for item in ITEM_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"Extension for {self.user_id} to {self.due_at:%Y-%m-%d %H:%M}"


class QuizPolicy(models.Model):
    """One quiz's own choice of when its correct answers are shown, over the course's."""

    quiz = models.OneToOneField(
        "courseware.Quiz", on_delete=models.CASCADE, related_name="answer_policy"
    )
    answer_reveal = models.CharField(max_length=12, choices=CoursePolicy.Reveal.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "quiz policies"

    def __str__(self) -> str:
        return f"Answer policy of quiz {self.quiz_id}"
