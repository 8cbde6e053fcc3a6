"""The course page's "Continue with ...": the first lesson not read, then the module's quiz,
then the next module, in course order; nothing for visitors."""

from django.test import Client

from courseware.models import Lesson, LessonRead
from courseware.selectors import course_next_step
from courseware.services import quiz_attempt_answers_save, quiz_attempt_start, quiz_attempt_submit
from tests.courseware.helpers import right_answers


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
