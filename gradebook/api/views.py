"""The gradebook's REST endpoint, for the course's teaching staff (instructors and TAs) only: a
learner, with the session or a token, gets a 403 problem."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from courseware.api.views import course_or_404
from courseware.permissions import TeachingStaffPermission
from gradebook.api.serializers import GradebookQuerySerializer, GradebookRowSerializer
from gradebook.selectors.listing import gradebook_learners, gradebook_listed_rows


@extend_schema(parameters=[GradebookQuerySerializer])
class GradebookView(generics.ListAPIView[Any]):
    """The gradebook, a page of active learners at a time, as its pages and CSV export show it:
    each item's raw score, late penalty, override and kept score, and the course total.
    `module` keeps one module's items, `learner` and `cohort` pick the rows."""

    serializer_class = GradebookRowSerializer
    permission_classes = [TeachingStaffPermission]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = GradebookQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        course = course_or_404(kwargs["slug"])
        learners = gradebook_learners(
            course=course, learner=filters.get("learner", ""), cohort=filters.get("cohort", "")
        )
        page = self.paginate_queryset(learners)
        rows = gradebook_listed_rows(
            course=course, enrolments=list(page or []), module=filters.get("module", "")
        )
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
