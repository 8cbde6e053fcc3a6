"""When an item is due for a learner: extension > cohort > course default > the module's date,
answered for a page or for every learner of a course in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from courseware.enrolment import enrol_with_role
from courseware.models import Cohort, Enrolment
from deadlines import services
from deadlines.models import CoursePolicy
from deadlines.selectors import (
    COHORT,
    COURSE,
    EXTENSION,
    due_for,
    due_schedule,
    late_penalty_for,
    late_refusal,
)
from tests.courseware.factories import UserFactory

DEFAULT = datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
MONDAY = DEFAULT + timedelta(days=1)
EXTENDED = DEFAULT + timedelta(days=5)


def _set(course, item, cohort=None, due_at=DEFAULT):
    return services.due_date_set(
        course=course, item=item, cohort=cohort, due_at=due_at, set_by_id=None
    )


def _extend(course, item, learner, granted_by, due_at=EXTENDED):
    return services.extension_grant(
        course=course,
        item=item,
        learner_id=learner.pk,
        due_at=due_at,
        reason="Illness, doctor's note seen",
        granted_by_id=granted_by.pk,
    )


def test_no_due_date(course, quiz, enrolled, learner) -> None:
    assert due_for(user=learner, item=quiz) is None


def test_the_course_default_applies_to_learners_in_no_cohort(course, quiz, enrolled, learner):
    _set(course, quiz)

    due = due_for(user=learner, item=quiz)

    assert (due.due_at, due.source, due.from_module) == (DEFAULT, COURSE, False)


def test_the_cohort_date_beats_the_default(course, quiz, cohort, enrolled, learner) -> None:
    _set(course, quiz)
    _set(course, quiz, cohort, MONDAY)
    Enrolment.objects.filter(pk=enrolled.pk).update(cohort=cohort)

    due = due_for(user=learner, item=quiz)

    assert (due.due_at, due.source) == (MONDAY, COHORT)


def test_a_cohort_without_a_date_takes_the_default(course, quiz, cohort, enrolled, learner):
    other = Cohort.objects.create(course=course, name="Tuesday")
    _set(course, quiz)
    _set(course, quiz, other, MONDAY)
    Enrolment.objects.filter(pk=enrolled.pk).update(cohort=cohort)

    assert due_for(user=learner, item=quiz).due_at == DEFAULT


def test_an_extension_beats_the_cohort(course, quiz, cohort, enrolled, learner, instructor):
    _set(course, quiz, cohort, MONDAY)
    Enrolment.objects.filter(pk=enrolled.pk).update(cohort=cohort)
    extension = _extend(course, quiz, learner, instructor)

    due = due_for(user=learner, item=quiz)

    assert (due.due_at, due.source, due.extension) == (EXTENDED, EXTENSION, extension)
    assert (extension.granted_by, extension.reason) == (instructor, "Illness, doctor's note seen")


def test_an_extension_is_one_learners_only(course, quiz, enrolled, learner, instructor):
    other = UserFactory(username="other")
    enrol_with_role(user_id=other.pk, course=course)
    _set(course, quiz)
    _extend(course, quiz, learner, instructor)

    assert due_for(user=other, item=quiz).due_at == DEFAULT
    assert due_for(user=AnonymousUser(), item=quiz).due_at == DEFAULT


def test_granting_again_replaces_the_extension(course, quiz, enrolled, learner, instructor):
    _extend(course, quiz, learner, instructor)
    _extend(course, quiz, learner, instructor, due_at=EXTENDED + timedelta(days=1))

    assert due_for(user=learner, item=quiz).due_at == EXTENDED + timedelta(days=1)
    assert learner.extensions.count() == 1


def test_quiz_and_exercise_without_a_date_take_the_modules(
    course, module, quiz, exercise, enrolled, learner, instructor
) -> None:
    _set(course, module, due_at=MONDAY)
    _set(course, exercise, due_at=DEFAULT)

    quiz_due = due_for(user=learner, item=quiz)
    exercise_due = due_for(user=learner, item=exercise)

    assert (quiz_due.due_at, quiz_due.from_module) == (MONDAY, True)
    assert (exercise_due.due_at, exercise_due.from_module) == (DEFAULT, False)
    _extend(course, module, learner, instructor)
    assert due_for(user=learner, item=quiz).due_at == EXTENDED


def test_the_schedule_of_a_whole_course_takes_four_queries(
    course, module, quiz, exercise, cohort, instructor, django_assert_num_queries
) -> None:
    learners = [UserFactory(username=f"learner{number}") for number in range(12)]
    for number, learner in enumerate(learners):
        enrolment = enrol_with_role(user_id=learner.pk, course=course)
        if number % 2:
            Enrolment.objects.filter(pk=enrolment.pk).update(cohort=cohort)
    _set(course, quiz)
    _set(course, quiz, cohort, MONDAY)
    _set(course, exercise)
    _extend(course, quiz, learners[0], instructor)

    with django_assert_num_queries(4):
        schedule = due_schedule(course_id=course.pk)
        dues = [
            schedule.due_for(user_id=learner.pk, item=item)
            for learner in learners
            for item in (module, quiz, exercise)
        ]

    assert dues[0:3] == [None, schedule.due_for(user_id=learners[0].pk, item=quiz), dues[2]]
    assert [dues[3 * n + 1].due_at for n in range(4)] == [EXTENDED, MONDAY, DEFAULT, MONDAY]


@pytest.mark.parametrize(
    ("late", "fraction"),
    [(CoursePolicy.Late.ACCEPT, 0.0), (CoursePolicy.Late.PENALTY, 0.3)],
)
def test_late_penalty_for(course, exercise, enrolled, learner, late, fraction) -> None:
    services.course_policy_update(
        course=course,
        late=late,
        penalty_percent_per_day=15,
        penalty_cap_percent=100,
        answer_reveal=CoursePolicy.Reveal.AFTER_DUE,
    )
    _set(course, exercise)

    on_time = late_penalty_for(learner, exercise, DEFAULT - timedelta(hours=1))
    late_by_two_days = late_penalty_for(learner, exercise, DEFAULT + timedelta(hours=25))

    assert (on_time.fraction, on_time.reason) == (0.0, "")
    assert late_by_two_days.fraction == pytest.approx(fraction)
    assert late_by_two_days.days_late == 2


def test_late_refusal_only_when_the_course_closes_late_work(course, quiz, enrolled, learner):
    _set(course, quiz)
    after = DEFAULT + timedelta(minutes=1)

    assert late_refusal(user_id=learner.pk, item=quiz, at=after) is None
    CoursePolicy.objects.create(course=course, late=CoursePolicy.Late.CLOSE)
    assert late_refusal(user_id=learner.pk, item=quiz, at=DEFAULT) is None
    assert late_refusal(user_id=learner.pk, item=quiz, at=after) == (
        "This was due on Mon 07 Dec 2026, 23:59 UTC and this course does not accept late "
        "work, so it cannot be handed in now. Ask your instructor for an extension."
    )


def test_items_and_cohorts_of_another_course_are_refused(course, quiz, tmp_path) -> None:
    from courseware.errors import ApplicationError
    from tests.courseware.factories import CourseFactory

    other = CourseFactory(slug="other")
    foreign_cohort = Cohort.objects.create(course=other, name="Theirs")

    with pytest.raises(ApplicationError, match="not part of this course"):
        _set(other, quiz)
    with pytest.raises(ApplicationError, match="cohort is not part of this course"):
        _set(course, quiz, foreign_cohort)
    with pytest.raises(ApplicationError, match="a time zone"):
        _set(course, quiz, due_at=datetime(2026, 12, 7, 12, 0))


def test_the_account_export_holds_the_learners_extensions(
    course, quiz, enrolled, learner, instructor
) -> None:
    from accounts.services import account_export

    _extend(course, quiz, learner, instructor)

    (row,) = account_export(user=learner)["extensions"]
    assert (row["course"], row["item"], row["reason"]) == (
        "mini",
        quiz.title,
        "Illness, doctor's note seen",
    )
    assert row["due_at"] == EXTENDED.isoformat()
    assert account_export(user=instructor)["extensions"] == []


def test_an_extension_needs_a_reason(course, quiz, enrolled, learner, instructor) -> None:
    from courseware.errors import ApplicationError

    with pytest.raises(ApplicationError, match="An extension needs a reason"):
        services.extension_grant(
            course=course,
            item=quiz,
            learner_id=learner.pk,
            due_at=EXTENDED,
            reason="  ",
            granted_by_id=instructor.pk,
        )
    assert not learner.extensions.exists()


def test_demo_deadlines_are_weekly_and_leave_an_instructors_dates_alone(course, module) -> None:
    from django.core.management import call_command

    from deadlines.demo import demo_deadlines_set
    from deadlines.models import DueDate

    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)

    assert demo_deadlines_set(course=course, now=now) == 2
    dates = list(DueDate.objects.order_by("due_at").values_list("module__slug", "due_at"))
    assert dates == [
        ("basics", datetime(2026, 11, 30, 23, 59, tzinfo=UTC)),
        ("more", datetime(2026, 12, 7, 23, 59, tzinfo=UTC)),
    ]
    assert CoursePolicy.objects.get(course=course).late == CoursePolicy.Late.PENALTY
    call_command("set_demo_deadlines")
    assert DueDate.objects.count() == 2
