"""Output shapes of the courseware API's instructor side: a learner's record, item analysis.
Query parameters of the instructor lists are checked here too."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from courseware.api.serializers import AttemptSerializer, MemberSerializer, ModuleProgressSerializer
from courseware.models import CourseRole, Enrolment
from courseware.selectors import OptionPicks
from courseware.selectors.members import LearnerRecord


class MembersQuerySerializer(serializers.Serializer[Any]):
    learner = serializers.CharField(
        required=False, max_length=150, help_text="Only usernames that contain this."
    )
    cohort = serializers.CharField(required=False, max_length=100, help_text="A cohort's name.")
    role = serializers.ChoiceField(required=False, choices=CourseRole.choices)
    status = serializers.ChoiceField(required=False, choices=Enrolment.Status.choices)


class LearnerRecordSerializer(serializers.Serializer[LearnerRecord]):
    member = MemberSerializer(source="enrolment")
    progress = ModuleProgressSerializer(many=True)
    attempts = AttemptSerializer(many=True)


class OptionPicksSerializer(serializers.Serializer[OptionPicks]):
    option_id = serializers.CharField()
    text = serializers.CharField()
    is_correct = serializers.BooleanField()
    picks = serializers.IntegerField()


class ItemStatsSerializer(serializers.Serializer[Any]):
    """One question's statistics: an `ItemStats`."""

    question = serializers.CharField(source="question.slug")
    type = serializers.CharField(source="question.type")
    is_active = serializers.BooleanField(source="question.is_active")
    responses = serializers.IntegerField()
    share_correct = serializers.FloatField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    discrimination = serializers.FloatField(
        allow_null=True,
        help_text="Share correct among the top 27% of attempts minus the bottom 27%.",
    )
    options = OptionPicksSerializer(many=True)
