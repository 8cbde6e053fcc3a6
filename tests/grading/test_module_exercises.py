"""A module's exercise list (module and lesson pages, the dashboard) shows the learner's best
score from one source, the progress courseware keeps (ExerciseProgress), read by a selector: the
template tag itself queries nothing."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from courseware.services import exercise_score_record
from grading.models import Exercise, GradingRun, Submission
from grading.selectors import ModuleExercise, module_exercises_for
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _record(exercise: Exercise, user_id: int, points: float) -> None:
    exercise_score_record(
        user_id=user_id,
        module_id=exercise.module_id,
        exercise_slug=exercise.slug,
        points=points,
        max_points=exercise.max_points,
    )


def test_the_best_score_is_the_kept_progress(exercise) -> None:
    learner, other = UserFactory(), UserFactory()
    _record(exercise, learner.pk, 3.0)
    _record(exercise, learner.pk, 1.0)
    _record(exercise, other.pk, 5.0)

    assert module_exercises_for(module_id=exercise.module_id, user=learner) == [
        ModuleExercise(exercise=exercise, best_points=3.0)
    ]
    assert module_exercises_for(module_id=exercise.module_id, user=UserFactory()) == [
        ModuleExercise(exercise=exercise, best_points=None)
    ]


def test_a_graded_run_without_progress_is_not_a_second_source(exercise) -> None:
    learner = UserFactory()
    submission = Submission.objects.create(
        exercise=exercise, user=learner, kind=Submission.Kind.CODE, payload="x", answers={}
    )
    GradingRun.objects.create(
        submission=submission, status=GradingRun.Status.GRADED, points=4, max_points=5
    )

    rows = module_exercises_for(module_id=exercise.module_id, user=learner)

    assert [row.best_points for row in rows] == [None]


def test_the_tag_renders_the_selectors_rows(exercise, django_assert_num_queries) -> None:
    learner = UserFactory()
    _record(exercise, learner.pk, 2.5)
    template = Template(
        "{% load grading_tags %}{% module_exercises module user as rows %}"
        "{% for exercise, best in rows %}{{ exercise.slug }}={{ best }};{% endfor %}"
    )
    module = exercise.module
    # One query for the exercises, one for the learner's progress: nothing per exercise.
    with django_assert_num_queries(2):
        html = template.render(Context({"module": module, "user": learner}))
    assert html == "stable-softmax=2.5;"
