"""Grading API: exercises and their release notebooks, submitting code or a notebook, polling a
submission, hints; for the course's teaching staff an exercise's submissions and regrades."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser
from courseware.errors import ApplicationError
from courseware.models import Course
from courseware.permissions import TeachingStaffPermission
from grading import selectors, services
from grading.api.serializers import (
    ExerciseSerializer,
    HintsSerializer,
    RegradeSerializer,
    StaffRunSerializer,
    StaffSubmissionSerializer,
    SubmissionCreateSerializer,
    SubmissionSerializer,
    SubmissionsQuerySerializer,
)
from grading.models import Exercise, Submission


def _exercise(pk: int) -> Exercise:
    exercise = selectors.exercise_get_active(pk=pk)
    if exercise is None:
        raise ApplicationError(gettext("No such exercise."), status_code=404)
    return exercise


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class NotebookRenderer(JSONRenderer):
    """A notebook is JSON under its own media type (what Jupyter opens)."""

    media_type = "application/x-ipynb+json"
    format = "ipynb"


class CourseExerciseList(generics.ListAPIView[Exercise]):
    """A course's active exercises in course order; `module` keeps one module's."""

    serializer_class = ExerciseSerializer

    @extend_schema(
        parameters=[OpenApiParameter("module", str, description="A module's slug.", required=False)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Exercise]:
        return selectors.exercises_of_course(
            course_slug=self.kwargs["slug"],
            module_slug=str(self.request.query_params.get("module", ""))[:100],
        )


class ExerciseDetail(APIView):
    @extend_schema(responses=ExerciseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExerciseSerializer(_exercise(pk)).data)


class ReleaseNotebook(APIView):
    """The exercise's release notebook (no solutions, no hidden tests), to fill in and upload."""

    renderer_classes = [NotebookRenderer]

    @extend_schema(responses={(200, NotebookRenderer.media_type): OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        exercise = _exercise(pk)
        return Response(
            exercise.release_notebook,
            headers={"Content-Disposition": f'attachment; filename="{exercise.slug}.ipynb"'},
        )


class SubmissionCreate(generics.ListAPIView[Submission]):
    """GET: the learner's own submissions to the exercise with their gradings. POST: submit code
    (JSON) or a filled-in notebook (multipart `notebook`); it is graded in the background."""

    serializer_class = SubmissionSerializer
    parser_classes = [JSONParser, MultiPartParser]
    problem_statuses = ("413", "429")

    @extend_schema(parameters=[SubmissionsQuerySerializer(partial=True)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Submission]:
        query = _query(SubmissionsQuerySerializer, self.request)
        return selectors.submissions_of_user(
            user=selectors.signed_in(self.request.user),
            exercise=_exercise(self.kwargs["pk"]),
            ordering=query["ordering"],
        )

    @extend_schema(
        request={
            "application/json": SubmissionCreateSerializer,
            "multipart/form-data": SubmissionCreateSerializer,
        },
        responses={202: SubmissionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        exercise = _exercise(pk)
        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_create(
            user=selectors.signed_in(request.user),
            exercise=exercise,
            code=serializer.validated_data.get("code"),
            notebook=serializer.validated_data.get("notebook"),
        )
        return Response(SubmissionSerializer(submission).data, status=202)


class SubmissionDetail(APIView):
    @extend_schema(responses=SubmissionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        submission = selectors.submission_get(pk=pk)
        if submission is None or not selectors.submission_visible_to(
            user=selectors.signed_in(request.user), submission=submission
        ):
            raise ApplicationError(gettext("No such submission."), status_code=404)
        return Response(SubmissionSerializer(submission).data)


class Hints(APIView):
    """GET: the hints revealed so far. POST: reveal the next one (the last stays the last)."""

    @extend_schema(responses=HintsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        hints = selectors.hints_state(
            user=selectors.signed_in(request.user), exercise=_exercise(pk)
        )
        return Response(HintsSerializer(hints).data)

    @extend_schema(request=None, responses=HintsSerializer)
    def post(self, request: Request, pk: int) -> Response:
        exercise = _exercise(pk)
        services.hint_reveal_next(user=selectors.signed_in(request.user), exercise=exercise)
        hints = selectors.hints_state(user=selectors.signed_in(request.user), exercise=exercise)
        return Response(HintsSerializer(hints).data)


class ExerciseSubmissions(generics.ListAPIView[Submission]):
    """Teaching staff: everyone's submissions to the exercise, newest first by default."""

    serializer_class = StaffSubmissionSerializer
    permission_classes = [TeachingStaffPermission]

    def permission_course(self, request: Request) -> Course:
        return _exercise(self.kwargs["pk"]).module.course

    @extend_schema(parameters=[SubmissionsQuerySerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Submission]:
        query = _query(SubmissionsQuerySerializer, self.request)
        return selectors.exercise_submissions(
            exercise=_exercise(self.kwargs["pk"]),
            learner=query.get("learner", ""),
            ordering=query["ordering"],
        )


class SubmissionRegrade(APIView):
    """Teaching staff: grade a submission again, with the last seed or (fresh_seed) a new one."""

    permission_classes = [TeachingStaffPermission]

    def permission_course(self, request: Request) -> Course:
        submission = selectors.submission_get(pk=self.kwargs["pk"])
        if submission is None:
            raise ApplicationError(gettext("No such submission."), status_code=404)
        return submission.exercise.module.course

    @extend_schema(
        request=RegradeSerializer,
        responses={202: StaffRunSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        submission = selectors.submission_get(pk=pk)
        assert submission is not None  # permission_course answered 404 otherwise
        serializer = RegradeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.submission_regrade(
            submission=submission, fresh_seed=serializer.validated_data["fresh_seed"]
        )
        return Response(StaffRunSerializer(run).data, status=202)
