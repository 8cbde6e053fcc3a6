"""Shapes of the gradebook's REST endpoint: its query parameters and a learner's row, the row
the gradebook pages and the CSV export show (raw score -> late penalty -> override -> kept)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gradebook.selectors.items import ITEM_KINDS
from gradebook.selectors.rows import GradebookRow, GradeCell


class GradebookQuerySerializer(serializers.Serializer[Any]):
    learner = serializers.CharField(
        required=False, max_length=150, help_text="Only usernames that contain this."
    )
    cohort = serializers.CharField(required=False, max_length=100, help_text="A cohort's name.")
    module = serializers.SlugField(
        required=False, max_length=100, help_text="Only this module's items."
    )


class GradeCellSerializer(serializers.Serializer[GradeCell]):
    """One learner's score on one item; every score is 0..1, null where there is none."""

    item = serializers.CharField(source="item.key", help_text="The item's key, stable.")
    kind = serializers.ChoiceField(
        source="item.kind", choices=ITEM_KINDS, help_text="The item's type."
    )
    module = serializers.CharField(source="item.module.slug")
    title = serializers.CharField(source="item.title")
    weight = serializers.FloatField(source="item.weight", help_text="Its weight in the total.")
    raw = serializers.FloatField(allow_null=True, help_text="The score before any penalty.")
    detail = serializers.CharField(help_text='What the score is made of, e.g. "2/3 read".')
    done_at = serializers.DateTimeField(
        allow_null=True, help_text="When the work that counts was done."
    )
    is_late = serializers.BooleanField(source="penalty.is_late")
    penalty = serializers.FloatField(
        source="penalty.fraction", help_text="The share of the raw score a late policy takes."
    )
    penalty_reason = serializers.CharField(source="penalty.reason")
    after_penalty = serializers.FloatField(allow_null=True)
    is_overridden = serializers.BooleanField()
    override_reason = serializers.CharField(source="override.reason", allow_null=True, default=None)
    kept = serializers.FloatField(
        allow_null=True, help_text="The score that counts: the override's, else after penalty."
    )


class GradebookRowSerializer(serializers.Serializer[GradebookRow]):
    """A learner's row: a `GradebookRow`."""

    username = serializers.CharField(source="enrolment.user.username")
    cohort = serializers.CharField(source="enrolment.cohort.name", allow_null=True)
    total = serializers.FloatField(
        allow_null=True,
        help_text="The course total, 0..1: the weighted mean of the kept scores of every item "
        "(null when no item carries weight).",
    )
    cells = GradeCellSerializer(many=True)
