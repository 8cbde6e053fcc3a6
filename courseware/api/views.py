"""API views: thin wrappers that parse input, call one service or selector and answer JSON.

Before an attempt is submitted nothing here returns a correct answer or an explanation:
questions come from `attempt_questions_public`, results only once the status is submitted.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import selectors, services
from courseware.api.serializers import AnswersInputSerializer, AttemptSerializer
from courseware.errors import ApplicationError, learner_id
from courseware.models import Course, Lesson, Quiz, QuizAttempt


def _attempt(request: Request, pk: int) -> QuizAttempt:
    attempt = selectors.attempt_get_for_user(attempt_id=pk, user=request.user)
    if attempt is None:
        raise ApplicationError("Attempt not found.", status_code=404)
    return attempt


def _attempt_body(attempt: QuizAttempt) -> dict[str, Any]:
    body = dict(AttemptSerializer(attempt).data)
    if attempt.is_submitted:
        body.update(
            score=attempt.score,
            points=attempt.points,
            max_points=attempt.max_points,
            questions=selectors.attempt_results(attempt=attempt),
        )
    else:
        body["questions"] = selectors.attempt_questions_public(attempt=attempt)
    return body


class AttemptStartView(APIView):
    def post(self, request: Request, quiz_pk: int) -> Response:
        quiz = get_object_or_404(Quiz, pk=quiz_pk, is_active=True)
        attempt, created = services.quiz_attempt_start(user_id=learner_id(request.user), quiz=quiz)
        return Response(
            _attempt_body(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(_attempt_body(_attempt(request, pk)))


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
        return Response(_attempt_body(attempt))

    patch = post


class AttemptSubmitView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        attempt, _ = services.quiz_attempt_submit(
            attempt_id=attempt.pk, user_id=learner_id(request.user)
        )
        return Response(_attempt_body(attempt))


class AttemptResultView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        attempt = _attempt(request, pk)
        if not attempt.is_submitted:
            raise ApplicationError(
                "Results are shown after the attempt is submitted.", status_code=409
            )
        return Response(_attempt_body(attempt))


class LessonReadView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        lesson = get_object_or_404(Lesson, pk=pk)
        created = services.lesson_mark_read(user_id=learner_id(request.user), lesson=lesson)
        return Response({"lesson": lesson.slug, "read": True, "first_time": created})


class ProgressView(APIView):
    def get(self, request: Request, slug: str) -> Response:
        course = get_object_or_404(Course, slug=slug)
        rows = selectors.module_progress_for_user(user=request.user, course=course)
        return Response(
            {
                "course": course.slug,
                "modules": [
                    {
                        "module": row.module.slug,
                        "title": row.module.title,
                        "lessons_read": row.lessons_read,
                        "lessons_total": row.lessons_total,
                        "quiz_score": row.quiz_score,
                        "quiz_attempts": row.quiz_attempts,
                        "exercises_done": row.exercises_done,
                        "exercise_points": row.exercise_points,
                        "exercise_max_points": row.exercise_max_points,
                    }
                    for row in rows
                ],
            }
        )
