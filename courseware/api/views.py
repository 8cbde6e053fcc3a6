"""API views of the learner's side: thin wrappers that parse input, call one service or
selector and answer what a serializer shapes.

Before an attempt is submitted nothing here returns a correct answer or an explanation: the
body comes from `serializers.attempt_body`, which shows results only once it is submitted, and
the correct answers only when the course's answer policy allows them for this learner now
(`deadlines.selectors.answers_revealed`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import selectors, services
from courseware.api.serializers import (
    AnswersInputSerializer,
    AttemptBodySerializer,
    AttemptSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    LessonReadSerializer,
    LessonSerializer,
    ModuleSerializer,
    ProgressSerializer,
    QuizStatusSerializer,
    RosterSerializer,
    attempt_body,
    progress_body,
    roster_body,
)
from courseware.errors import ApplicationError, found_or_404, learner_id
from courseware.models import Course, Lesson, Quiz, QuizAttempt
from courseware.permissions import TeachingStaffPermission


def _attempt(request: Request, pk: int) -> QuizAttempt:
    return found_or_404(
        selectors.attempt_get_for_user(attempt_id=pk, user=request.user),
        gettext("Attempt not found."),
    )


def course_or_404(slug: str) -> Course:
    return found_or_404(selectors.course_get(slug=slug), gettext("No such course."))


def quiz_or_404(pk: int) -> Quiz:
    return found_or_404(selectors.quiz_get(pk=pk), gettext("No such quiz."))


class CourseListView(generics.ListAPIView[Course]):
    """Every course, by title."""

    serializer_class = CourseSerializer

    def get_queryset(self) -> Any:
        return selectors.course_list()


class CourseDetailView(APIView):
    @extend_schema(responses=CourseDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        course = course_or_404(slug)
        outline = {"course": course, "modules": selectors.course_modules(course=course)}
        return Response(CourseDetailSerializer(outline).data)


class ModuleListView(generics.ListAPIView[Any]):
    """The course's active modules in order, with their lessons and quiz."""

    serializer_class = ModuleSerializer

    def get_queryset(self) -> Any:
        return selectors.course_modules(course=course_or_404(self.kwargs["slug"]))


class LessonDetailView(generics.RetrieveAPIView[Lesson]):
    serializer_class = LessonSerializer

    def get_object(self) -> Lesson:
        course = course_or_404(self.kwargs["slug"])
        lesson = selectors.lesson_get_active(course=course, slug=self.kwargs["lesson_slug"])
        return found_or_404(lesson, gettext("No such lesson."))


class QuizDetailView(APIView):
    @extend_schema(responses=QuizStatusSerializer)
    def get(self, request: Request, pk: int) -> Response:
        quiz_status = selectors.quiz_status_for_user(user=request.user, quiz=quiz_or_404(pk))
        return Response(QuizStatusSerializer(quiz_status).data)


class AttemptStartView(generics.ListAPIView[QuizAttempt]):
    """GET: the learner's attempts at the quiz, newest first. POST: start an attempt, or get
    the open one back (200) instead of a second."""

    serializer_class = AttemptSerializer
    problem_statuses = ("409",)

    def get_queryset(self) -> QuerySet[QuizAttempt]:
        return selectors.attempts_of_user(
            user=self.request.user, quiz=quiz_or_404(self.kwargs["quiz_pk"])
        )

    @extend_schema(
        request=None,
        responses={201: AttemptBodySerializer, 200: AttemptBodySerializer},
    )
    def post(self, request: Request, quiz_pk: int) -> Response:
        quiz = get_object_or_404(selectors.quizzes_startable(), pk=quiz_pk)
        attempt, created = services.quiz_attempt_start(user_id=learner_id(request.user), quiz=quiz)
        return Response(
            attempt_body(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailView(APIView):
    @extend_schema(responses=AttemptBodySerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(attempt_body(_attempt(request, pk)))


class AttemptAnswersView(APIView):
    """Save answers of an open attempt (POST or PATCH: both merge into the saved ones)."""

    problem_statuses = ("409",)

    @extend_schema(request=AnswersInputSerializer, responses=AttemptBodySerializer)
    def post(self, request: Request, pk: int) -> Response:
        serializer = AnswersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = _attempt(request, pk)
        attempt = services.quiz_attempt_answers_save(
            attempt_id=attempt.pk,
            user_id=learner_id(request.user),
            answers=serializer.validated_data["answers"],
        )
        return Response(attempt_body(attempt))

    @extend_schema(request=AnswersInputSerializer, responses=AttemptBodySerializer)
    def patch(self, request: Request, pk: int) -> Response:
        return self.post(request, pk)


class AttemptSubmitView(APIView):
    problem_statuses = ("409",)

    @extend_schema(request=None, responses=AttemptBodySerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        attempt, _ = services.quiz_attempt_submit(
            attempt_id=attempt.pk, user_id=learner_id(request.user)
        )
        return Response(attempt_body(attempt))


class AttemptResultView(APIView):
    problem_statuses = ("409",)

    @extend_schema(responses=AttemptBodySerializer)
    def get(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        if not attempt.is_submitted:
            raise ApplicationError(
                gettext("Results are shown after the attempt is submitted."), status_code=409
            )
        return Response(attempt_body(attempt))


class LessonReadView(APIView):
    @extend_schema(request=None, responses=LessonReadSerializer)
    def post(self, request: Request, pk: int) -> Response:
        lesson = get_object_or_404(Lesson, pk=pk)
        created = services.lesson_mark_read(user_id=learner_id(request.user), lesson=lesson)
        body = {"lesson": lesson.slug, "read": True, "first_time": created}
        return Response(LessonReadSerializer(body).data)


class ProgressView(APIView):
    @extend_schema(responses=ProgressSerializer)
    def get(self, request: Request, slug: str) -> Response:
        course = course_or_404(slug)
        rows = selectors.module_progress_for_user(user=request.user, course=course)
        return Response(progress_body(course, rows))


class RosterView(APIView):
    """The course's members with role, cohort and status: for its instructors and TAs. (The
    paged and filtered form is `members/`.)"""

    permission_classes = [TeachingStaffPermission]

    @extend_schema(responses=RosterSerializer)
    def get(self, request: Request, slug: str) -> Response:
        course = course_or_404(slug)
        return Response(roster_body(course, selectors.course_roster(course=course)))
