"""API views: thin wrappers that parse input, call one service or selector and answer JSON.

Before an attempt is submitted nothing here returns a correct answer or an explanation: the
body comes from `serializers.attempt_body`, which shows results only once it is submitted, and
the correct answers only when the course's answer policy allows them for this learner now
(`deadlines.selectors.answers_revealed`).
"""

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import selectors, services
from courseware.api.serializers import (
    AnswersInputSerializer,
    attempt_body,
    progress_body,
    roster_body,
)
from courseware.errors import ApplicationError, learner_id
from courseware.models import Course, Lesson, QuizAttempt
from courseware.permissions import TeachingStaffPermission


def _attempt(request: Request, pk: int) -> QuizAttempt:
    attempt = selectors.attempt_get_for_user(attempt_id=pk, user=request.user)
    if attempt is None:
        raise ApplicationError("Attempt not found.", status_code=404)
    return attempt


class AttemptStartView(APIView):
    def post(self, request: Request, quiz_pk: int) -> Response:
        quiz = get_object_or_404(selectors.quizzes_startable(), pk=quiz_pk)
        attempt, created = services.quiz_attempt_start(user_id=learner_id(request.user), quiz=quiz)
        return Response(
            attempt_body(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(attempt_body(_attempt(request, pk)))


class AttemptAnswersView(APIView):
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

    patch = post


class AttemptSubmitView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        attempt, _ = services.quiz_attempt_submit(
            attempt_id=attempt.pk, user_id=learner_id(request.user)
        )
        return Response(attempt_body(attempt))


class AttemptResultView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        if not attempt.is_submitted:
            raise ApplicationError(
                "Results are shown after the attempt is submitted.", status_code=409
            )
        return Response(attempt_body(attempt))


class LessonReadView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        lesson = get_object_or_404(Lesson, pk=pk)
        created = services.lesson_mark_read(user_id=learner_id(request.user), lesson=lesson)
        return Response({"lesson": lesson.slug, "read": True, "first_time": created})


class ProgressView(APIView):
    def get(self, request: Request, slug: str) -> Response:
        course = get_object_or_404(Course, slug=slug)
        rows = selectors.module_progress_for_user(user=request.user, course=course)
        return Response(progress_body(course, rows))


class RosterView(APIView):
    """The course's members with role, cohort and status: for its instructors and TAs."""

    permission_classes = [TeachingStaffPermission]

    def get(self, request: Request, slug: str) -> Response:
        course = get_object_or_404(Course, slug=slug)
        return Response(roster_body(course, selectors.course_roster(course=course)))
