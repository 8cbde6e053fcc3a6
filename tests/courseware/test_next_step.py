"""The course page's "Continue with ...": the first lesson not read, then the module's quiz,
then the next module, in course order; nothing for visitors."""

from django.test import Client

from courseware.models import ExerciseProgress, Lesson, LessonRead, Module
from courseware.selectors import course_next_step
from courseware.services import (
    course_completion_rule_update,
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from grading.models import Exercise
from tests.courseware.helpers import WRONG, right_answers


def _lessons(course, module_slug):
    return list(
        Lesson.objects.filter(course=course, module__slug=module_slug, is_active=True).order_by(
            "order"
        )
    )


def test_next_step_walks_lessons_then_the_quiz_then_the_next_module(course, quiz, learner):
    first, *rest = _lessons(course, "basics")
    step = course_next_step(user=learner, course=course)
    assert (step.kind, step.title, step.url) == (
        "lesson",
        first.title,
        f"/courses/mini/lessons/{first.slug}/",
    )
    for lesson in [first, *rest]:
        LessonRead.objects.create(user=learner, lesson=lesson)
    step = course_next_step(user=learner, course=course)
    assert (step.kind, step.url) == ("quiz", "/courses/mini/modules/basics/quiz/")
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers=right_answers(attempt)
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)
    step = course_next_step(user=learner, course=course)
    second_module_lessons = [
        lesson
        for lesson in Lesson.objects.filter(course=course, is_active=True)
        if lesson.module.slug != "basics"
    ]
    assert step.kind == "lesson"
    assert step.title in {lesson.title for lesson in second_module_lessons}
    page = Client()
    page.force_login(learner)
    html = page.get("/courses/mini/").content.decode()
    assert f'<a href="{step.url}">Continue with “{step.title}”</a>' in html


def test_visitors_get_no_next_step(course):
    from django.contrib.auth.models import AnonymousUser

    assert course_next_step(user=AnonymousUser(), course=course) is None
    assert 'id="next-step"' not in Client().get("/courses/mini/").content.decode()


def test_a_quiz_below_the_pass_mark_stays_the_next_step(course, quiz, learner):
    for lesson in _lessons(course, "basics"):
        LessonRead.objects.create(user=learner, lesson=lesson)
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers={**right_answers(attempt), **WRONG}
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)
    attempt.refresh_from_db()
    assert attempt.score < course.completion_quiz_percent / 100

    step = course_next_step(user=learner, course=course)

    assert (step.kind, step.url) == ("quiz", "/courses/mini/modules/basics/quiz/")


def test_an_exercise_passes_at_the_courses_exercise_mark(course, quiz, learner):
    more = Module.objects.get(course=course, slug="more")
    Exercise.objects.create(
        module=more,
        slug="softmax",
        title="Softmax",
        source_notebook={},
        release_notebook={},
        max_points=4,
        content_hash="x",
    )
    for lesson in Lesson.objects.filter(course=course):
        LessonRead.objects.create(user=learner, lesson=lesson)
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers=right_answers(attempt)
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)
    ExerciseProgress.objects.create(
        user=learner, module=more, exercise_key="softmax", best_points=3, max_points=4
    )
    assert course_next_step(user=learner, course=course).title == "Softmax"

    course_completion_rule_update(
        course=course, requires_lessons=True, quiz_percent=60, exercise_percent=75
    )

    assert course_next_step(user=learner, course=course) is None
