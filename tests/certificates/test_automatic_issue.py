"""The certificate is issued by itself when the learner's progress meets the course's rule:
whichever of the last lesson read, the quiz passed or the exercise passed comes last, once it
is committed, once per learner and course. A revoked certificate is not issued again."""

from __future__ import annotations

from certificates.models import Certificate
from certificates.services import certificate_issue_if_complete, certificate_revoke
from courseware.models import Course, Lesson, Module
from courseware.services import exercise_score_record, lesson_mark_read
from tests.certificates.conftest import finish_course, read_lessons, take_quiz
from tests.grading.exercise_factory import make_exercise


def test_reading_the_last_lesson_after_passing_the_quiz_issues_it(
    course, learner, django_capture_on_commit_callbacks
) -> None:
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    take_quiz(learner, course)
    *earlier, last = Lesson.objects.filter(course=course, is_active=True).order_by("pk")
    for lesson in earlier:
        with django_capture_on_commit_callbacks(execute=True):
            lesson_mark_read(user_id=learner.pk, lesson=lesson)
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson_mark_read(user_id=learner.pk, lesson=last)

    assert len(callbacks) == 1
    certificate = Certificate.objects.get()
    assert (certificate.user_id, certificate.course_id) == (learner.pk, course.pk)
    assert (certificate.learner_name, certificate.course_title) == ("Ada Lovelace", "Mini Course")
    assert (certificate.quiz_average, certificate.lessons_read) == (1.0, 4)


def test_passing_the_quiz_last_issues_it_and_failing_it_does_not(
    course, learner, django_capture_on_commit_callbacks
) -> None:
    read_lessons(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course, right=False)  # 2 of 5: under the 60% pass mark
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course)

    assert Certificate.objects.get().quiz_average == 1.0


def test_an_exercise_passed_last_issues_it_where_grading_records_the_score(
    course, learner, tmp_path, django_capture_on_commit_callbacks
) -> None:
    module = Module.objects.get(course=course, slug="basics")
    read_lessons(learner, course)
    take_quiz(learner, course)
    exercise = make_exercise(tmp_path, course_slug=course.slug)
    assert exercise.module_id == module.pk
    issued = []
    for points in (3.0, 5.0):  # first under the pass mark (full marks), then at it
        with django_capture_on_commit_callbacks(execute=True):
            exercise_score_record(
                user_id=learner.pk,
                module_id=module.pk,
                exercise_slug=exercise.slug,
                points=points,
                max_points=5.0,
            )
        issued.append(Certificate.objects.count())

    assert issued == [0, 1]
    certificate = Certificate.objects.get()
    assert (certificate.exercise_points, certificate.exercise_max_points) == (5, 5)


def test_progress_after_the_certificate_keeps_the_one_issued(
    course, learner, django_capture_on_commit_callbacks
) -> None:
    read_lessons(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course)
    first = Certificate.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course)

    again = Certificate.objects.get()
    assert (again.pk, again.code, again.issued_at) == (first.pk, first.code, first.issued_at)


def test_a_revoked_certificate_is_not_issued_again_by_more_progress(
    course, learner, instructor, django_capture_on_commit_callbacks
) -> None:
    read_lessons(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course)
    certificate_revoke(certificate=Certificate.objects.get(), revoked_by=instructor, reason="x")

    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, course)

    held = Certificate.objects.get()
    assert held.is_revoked


def test_nothing_is_issued_before_the_progress_commits(
    course, learner, django_capture_on_commit_callbacks
) -> None:
    read_lessons(learner, course)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        take_quiz(learner, course)
        assert not Certificate.objects.exists()

    assert len(callbacks) == 1
    assert not Certificate.objects.exists()
    callbacks[0]()
    assert Certificate.objects.count() == 1


def test_a_deactivated_learner_or_an_unknown_course_issues_nothing(course, learner) -> None:
    finish_course(learner, course)
    learner.is_active = False
    learner.save()

    assert certificate_issue_if_complete(user_id=learner.pk, course_id=course.pk) is None
    unknown = Course.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    assert certificate_issue_if_complete(user_id=learner.pk, course_id=unknown) is None
    assert not Certificate.objects.exists()
