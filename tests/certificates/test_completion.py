"""The completion selector: the course's rule applied module by module, and its bounded
number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from courseware.errors import ApplicationError
from courseware.models import ExerciseProgress, Module
from courseware.selectors import course_completion
from courseware.services import course_completion_rule_update
from grading.models import Exercise
from tests.certificates.conftest import finish_course, read_lessons, take_quiz
from tests.courseware.factories import UserFactory


def _exercise(module: Module, slug: str, max_points: float, *, is_active: bool = True) -> Exercise:
    return Exercise.objects.create(
        module=module,
        slug=slug,
        title=slug.title(),
        source_notebook={},
        release_notebook={},
        max_points=max_points,
        content_hash="x",
        is_active=is_active,
    )


def _summary(completion) -> list[tuple]:
    return [
        (
            item.module.slug,
            item.lessons_required,
            item.lessons_read,
            item.quiz_passed,
            item.exercises_passed,
            item.exercises_total,
            item.is_complete,
        )
        for item in completion.modules
    ]


def test_nothing_done_asks_every_lesson_and_the_quiz(course, learner) -> None:
    completion = course_completion(course=course, user=learner)

    assert _summary(completion) == [
        ("basics", 2, 0, False, 0, 0, False),
        ("more", 2, 0, True, 0, 0, False),
    ]
    assert (completion.is_complete, completion.steps_done, completion.steps_total) == (False, 0, 5)


def test_steps_count_what_is_done_module_by_module(course, learner) -> None:
    read_lessons(learner, course, module_slug="basics")
    assert course_completion(course=course, user=learner).steps_done == 2

    take_quiz(learner, course)

    completion = course_completion(course=course, user=learner)
    assert [(item.steps_done, item.steps_total) for item in completion.modules] == [(3, 3), (0, 2)]
    assert [item.is_complete for item in completion.modules] == [True, False]
    assert completion.steps_done == 3


def test_a_quiz_below_the_pass_mark_does_not_complete_until_the_mark_is_lowered(
    course, learner
) -> None:
    read_lessons(learner, course)
    score = take_quiz(learner, course, right=False)
    assert score == pytest.approx(0.4)

    completion = course_completion(course=course, user=learner)
    assert (completion.modules[0].quiz_passed, completion.is_complete) == (False, False)

    course_completion_rule_update(
        course=course, requires_lessons=True, quiz_percent=40, exercise_percent=100
    )
    completion = course_completion(course=course, user=learner)
    assert (completion.modules[0].quiz_passed, completion.is_complete) == (True, True)


def test_finished_course_is_complete_with_its_result(course, learner) -> None:
    finish_course(learner, course)

    completion = course_completion(course=course, user=learner)

    assert completion.is_complete
    assert (completion.steps_done, completion.steps_total) == (5, 5)
    assert (completion.quiz_average, completion.lessons_read) == (1.0, 4)


def test_exercises_pass_with_full_marks_unless_the_rule_says_less(course, learner) -> None:
    more = Module.objects.get(course=course, slug="more")
    _exercise(more, "softmax", 4)
    _exercise(more, "retired", 2, is_active=False)
    finish_course(learner, course)
    ExerciseProgress.objects.create(
        user=learner, module=more, exercise_key="softmax", best_points=3, max_points=4
    )
    ExerciseProgress.objects.create(
        user=learner, module=more, exercise_key="retired", best_points=2, max_points=2
    )

    completion = course_completion(course=course, user=learner)
    assert _summary(completion)[1] == ("more", 2, 2, True, 0, 1, False)
    assert (completion.exercise_points, completion.exercise_max_points) == (5, 6)

    course_completion_rule_update(
        course=course, requires_lessons=True, quiz_percent=60, exercise_percent=75
    )
    completion = course_completion(course=course, user=learner)
    assert _summary(completion)[1] == ("more", 2, 2, True, 1, 1, True)
    assert completion.is_complete


def test_a_rule_without_reading_asks_no_lessons(course, learner) -> None:
    course_completion_rule_update(
        course=course, requires_lessons=False, quiz_percent=60, exercise_percent=100
    )
    take_quiz(learner, course)

    completion = course_completion(course=course, user=learner)

    assert _summary(completion) == [
        ("basics", 0, 0, True, 0, 0, True),
        ("more", 0, 0, True, 0, 0, True),
    ]
    assert completion.is_complete


def test_an_anonymous_visitor_has_done_nothing(course) -> None:
    completion = course_completion(course=course, user=AnonymousUser())

    assert (completion.is_complete, completion.steps_done, completion.steps_total) == (False, 0, 5)


def test_other_learners_work_does_not_count(course, learner) -> None:
    finish_course(UserFactory(username="someone"), course)

    assert course_completion(course=course, user=learner).steps_done == 0


@pytest.mark.parametrize("value", [-1, 101])
def test_a_pass_mark_out_of_range_is_refused_and_changes_nothing(course, value) -> None:
    with pytest.raises(ApplicationError, match="A pass mark is a percentage from 0 to 100."):
        course_completion_rule_update(
            course=course, requires_lessons=False, quiz_percent=value, exercise_percent=50
        )

    course.refresh_from_db()
    assert (
        course.completion_requires_lessons,
        course.completion_quiz_percent,
        course.completion_exercise_percent,
    ) == (True, 60, 100)


def test_the_queries_do_not_grow_with_the_course(
    course, learner, django_assert_num_queries
) -> None:
    finish_course(learner, course)
    with django_assert_num_queries(9):
        course_completion(course=course, user=learner)

    for index in range(5):
        module = Module.objects.create(course=course, slug=f"extra-{index}", title="Extra", order=9)
        _exercise(module, f"exercise-{index}", 1)
        ExerciseProgress.objects.create(
            user=learner,
            module=module,
            exercise_key=f"exercise-{index}",
            best_points=1,
            max_points=1,
        )
    with django_assert_num_queries(9):
        completion = course_completion(course=course, user=learner)
    assert len(completion.modules) == 7
    assert completion.is_complete
