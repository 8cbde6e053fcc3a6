"""Grading API: read an exercise, submit code, poll a submission, regrade (instructors)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware.permissions import TEACHING_STAFF_ONLY
from courseware.selectors.roster import teaches_course
from grading import selectors, services
from grading.api.serializers import (
    ExerciseSerializer,
    RegradeSerializer,
    StaffRunSerializer,
    SubmissionCreateSerializer,
    SubmissionSerializer,
)
from grading.models import Exercise, Submission


class ExerciseDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        exercise = get_object_or_404(Exercise, pk=pk, is_active=True)
        return Response(ExerciseSerializer(exercise).data)


class SubmissionCreate(APIView):
    def post(self, request: Request, pk: int) -> Response:
        exercise = get_object_or_404(Exercise, pk=pk, is_active=True)
        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_create(
            user=selectors.signed_in(request.user),
            exercise=exercise,
            code=serializer.validated_data["code"],
        )
        return Response(SubmissionSerializer(submission).data, status=202)


class SubmissionDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        submission = get_object_or_404(Submission.objects.prefetch_related("runs"), pk=pk)
        if not selectors.submission_visible_to(user=request.user, submission=submission):
            return Response({"detail": "Not found."}, status=404)
        return Response(SubmissionSerializer(submission).data)


class SubmissionRegrade(APIView):
    """Instructors: grade a submission again, with the last seed or (fresh_seed) a new one."""

    def post(self, request: Request, pk: int) -> Response:
        submission = get_object_or_404(Submission, pk=pk)
        if not teaches_course(user=request.user, course=submission.exercise.module.course):
            return Response({"detail": TEACHING_STAFF_ONLY}, status=403)
        serializer = RegradeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.submission_regrade(
            submission=submission, fresh_seed=serializer.validated_data["fresh_seed"]
        )
        return Response(StaffRunSerializer(run).data, status=202)
