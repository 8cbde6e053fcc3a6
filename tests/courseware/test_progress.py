"""Progress: exercise scores from grading, per-module progress, the instructor table, item analysis."""

import pytest

from courseware.models import Enrolment, ExerciseProgress, LessonRead, Module, Question, QuizAttempt
from courseware.selectors import course_progress_table, module_progress_for_user, quiz_item_analysis
from courseware.services import (
    exercise_score_record,
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.courseware.factories import UserFactory
from tests.courseware.helpers import right_answers


def test_exercise_score_record_keeps_the_best(course, learner):
    module = Module.objects.get(course=course, slug="basics")

    exercise_score_record(
        user_id=learner.pk, module_id=module.pk, exercise_slug="softmax", points=3, max_points=5
    )
    exercise_score_record(
        user_id=learner.pk, module_id=module.pk, exercise_slug="softmax", points=1, max_points=5
    )
    exercise_score_record(
        user_id=learner.pk, module_id=module.pk, exercise_slug="other", points=2, max_points=2
    )

    rows = ExerciseProgress.objects.filter(user=learner).order_by("exercise_key")
    assert [(r.exercise_key, r.best_points, r.max_points) for r in rows] == [
        ("other", 2.0, 2.0),
        ("softmax", 3.0, 5.0),
    ]
    exercise_score_record(
        user_id=learner.pk, module_id=module.pk, exercise_slug="softmax", points=4.5, max_points=5
    )
    assert ExerciseProgress.objects.get(exercise_key="softmax").best_points == 4.5
    assert Enrolment.objects.filter(user=learner, course=course).exists()
    basics = module_progress_for_user(user=learner, course=course)[0]
    assert (basics.exercises_done, basics.exercise_points, basics.exercise_max_points) == (
        2,
        6.5,
        7.0,
    )
    assert basics.exercise_score == pytest.approx(6.5 / 7)


def test_module_progress_for_a_learner(quiz, learner):
    course = quiz.module.course
    LessonRead.objects.create(user=learner, lesson=course.lessons.get(slug="tables-and-math"))
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers=right_answers(attempt)
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)

    basics, more = module_progress_for_user(user=learner, course=course)

    assert (basics.module.slug, basics.lessons_read, basics.lessons_total) == ("basics", 0, 2)
    assert (basics.quiz_score, basics.quiz_attempts) == (1.0, 1)
    assert (more.module.slug, more.lessons_read, more.lessons_total) == ("more", 1, 2)
    assert (more.quiz, more.quiz_score) == (None, None)


def test_course_progress_table_has_a_row_per_enrolled_learner(quiz, learner, other_learner):
    course = quiz.module.course
    for user in (learner, other_learner):
        Enrolment.objects.create(user=user, course=course)
    LessonRead.objects.create(user=other_learner, lesson=course.lessons.get(slug="first-steps"))

    table = course_progress_table(course=course)

    assert [module.slug for module in table.modules] == ["basics", "more"]
    assert [user.username for user, _ in table.rows] == ["learner", "other"]
    assert [cell.lessons_read for cell in table.rows[0][1]] == [0, 0]
    assert [cell.lessons_read for cell in table.rows[1][1]] == [1, 0]


def test_item_analysis_counts_share_correct_discrimination_and_wrong_picks(quiz):
    # Eight learners: the four strongest answer q-single right, the four weakest pick wrong
    # options; everybody gets q-numeric right.
    for index in range(8):
        user = UserFactory(username=f"student{index}")
        attempt, _ = quiz_attempt_start(user_id=user.pk, quiz=quiz)
        right = right_answers(attempt)
        order = attempt.option_order["q-single"]
        wrong_letter = "abc"[order.index("b" if index % 2 else "c")]
        answers = {"q-numeric": right["q-numeric"]}
        if index >= 4:
            answers.update({"q-single": right["q-single"], "q-text": right["q-text"]})
        else:
            answers["q-single"] = wrong_letter
        quiz_attempt_answers_save(attempt_id=attempt.pk, user_id=user.pk, answers=answers)
        quiz_attempt_submit(attempt_id=attempt.pk, user_id=user.pk)

    stats = {item.question.slug: item for item in quiz_item_analysis(quiz=quiz)}

    single = stats["q-single"]
    assert (single.responses, single.share_correct, single.discrimination) == (8, 0.5, 1.0)
    assert [(o.option_id, o.is_correct, o.picks) for o in single.options] == [
        ("a", True, 4),
        ("b", False, 2),
        ("c", False, 2),
    ]
    assert single.wrong_picks == 4
    numeric = stats["q-numeric"]
    assert (numeric.share_correct, numeric.discrimination) == (1.0, 0.0)
    assert stats["q-multiple"].share_correct == 0.0
    assert QuizAttempt.objects.filter(status="submitted").count() == 8
    assert Question.objects.filter(quiz=quiz).count() == len(stats)


def test_item_analysis_without_attempts(quiz):
    stats = quiz_item_analysis(quiz=quiz)

    assert [(item.responses, item.share_correct, item.discrimination) for item in stats] == [
        (0, None, None)
    ] * 5


@pytest.mark.parametrize("path", ["/courses/mini/", "/courses/mini/modules/basics/"])
def test_the_course_and_module_pages_read_the_progress_once(course, learner, path) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(learner)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)

    assert response.status_code == 200
    reads_per_module = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "courseware_lessonread"' in query["sql"] and "COUNT(" in query["sql"]
    ]
    assert len(reads_per_module) == 1
