"""API views of the instructor side: members, one learner's record, quiz item analysis (the
gradebook's endpoint is the gradebook app's, gradebook/api/). Each is for the course's teaching
staff (instructors and TAs) only: a learner, with the session or a token, gets a 403 problem."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import selectors
from courseware.api.serializers import MemberSerializer
from courseware.api.staff_serializers import (
    ItemStatsSerializer,
    LearnerRecordSerializer,
    MembersQuerySerializer,
)
from courseware.api.views import course_or_404, quiz_or_404
from courseware.errors import found_or_404
from courseware.models import Course, Enrolment
from courseware.permissions import TeachingStaffPermission
from courseware.selectors.members import LearnerRecord


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


@extend_schema(parameters=[MembersQuerySerializer])
class MemberListView(generics.ListAPIView[Enrolment]):
    """The course's members by username, filtered by part of a username, cohort, role, status."""

    serializer_class = MemberSerializer
    permission_classes = [TeachingStaffPermission]

    def get_queryset(self) -> Any:
        filters = _query(MembersQuerySerializer, self.request)
        return selectors.course_members(course=course_or_404(self.kwargs["slug"]), **filters)


class LearnerRecordView(generics.RetrieveAPIView[Any]):
    """One member's progress and quiz attempts in the course."""

    serializer_class = LearnerRecordSerializer
    permission_classes = [TeachingStaffPermission]

    def get_object(self) -> LearnerRecord:
        record = selectors.learner_record(
            course=course_or_404(self.kwargs["slug"]), username=self.kwargs["username"]
        )
        return found_or_404(record, gettext("No such member of this course."))


class ItemAnalysisView(APIView):
    """Classical item analysis of a quiz over its submitted attempts, one entry per question."""

    permission_classes = [TeachingStaffPermission]

    def permission_course(self, request: Request) -> Course:
        return quiz_or_404(self.kwargs["pk"]).module.course

    @extend_schema(responses=ItemStatsSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        items = selectors.quiz_item_analysis(quiz=quiz_or_404(pk))
        return Response(ItemStatsSerializer(items, many=True).data)
