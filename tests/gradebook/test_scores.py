"""The gradebook's numbers: raw scores, the kept-quiz rule, weights, overrides and totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from courseware.enrolment import enrol_with_role
from courseware.errors import ApplicationError
from courseware.models import Enrolment, ExerciseProgress, LessonRead, Quiz, QuizAttempt
from deadlines.services import course_policy_update, due_date_set
from gradebook import services
from gradebook.models import GradeOverride
from gradebook.penalties import NO_PENALTY, LateCheck, Penalty, late_penalties
from gradebook.selectors.items import TypeWeights, course_items
from gradebook.selectors.pages import GradebookQuery, gradebook_page, learner_enrolment
from gradebook.selectors.rows import gradebook_rows
from tests.courseware.factories import UserFactory


@pytest.fixture
def alice(built):
    """Module 1: one of two lessons read, quiz 0.5 then 1.0, exercise 4/5; module 2: nothing."""
    user = UserFactory(username="alice", first_name="Alice", last_name="Liddell")
    enrol_with_role(user_id=user.pk, course=built.course)
    first = built.modules[0]
    LessonRead.objects.create(user=user, lesson=built.lessons[first.pk][0])
    now = timezone.now()
    for number, score in ((1, 0.5), (2, 1.0)):
        QuizAttempt.objects.create(
            user=user,
            quiz=built.quizzes[first.pk],
            number=number,
            seed=1,
            question_ids=[],
            status=QuizAttempt.Status.SUBMITTED,
            score=score,
            submitted_at=now - timedelta(hours=3 - number),
        )
    ExerciseProgress.objects.create(
        user=user, module=first, exercise_key="ex1", best_points=4.0, max_points=5.0
    )
    return user


def _row(built, user):
    items = course_items(course=built.course)
    enrolment = learner_enrolment(course=built.course, user_pk=user.pk)
    (row,) = gradebook_rows(course=built.course, items=items, enrolments=[enrolment])
    return row


def _kept(row):
    return {cell.item.key: cell.kept for cell in row.cells}


def test_items_and_raw_scores(built, alice) -> None:
    row = _row(built, alice)

    assert [cell.item.key for cell in row.cells] == [
        "lessons:m1",
        "quiz:m1",
        "exercise:m1:ex1",
        "lessons:m2",
        "quiz:m2",
        "exercise:m2:ex1",
    ]
    assert _kept(row) == {
        "lessons:m1": 0.5,
        "quiz:m1": 1.0,
        "exercise:m1:ex1": 0.8,
        "lessons:m2": None,
        "quiz:m2": None,
        "exercise:m2:ex1": None,
    }
    assert [cell.detail for cell in row.cells[:3]] == ["1/2 read", "2 attempts", "4/5 points"]
    # Equal weights: (0.5 + 1.0 + 0.8) / 6 items.
    assert row.total == pytest.approx(2.3 / 6)


def test_a_quiz_that_keeps_the_last_attempt(built, alice) -> None:
    Quiz.objects.filter(pk=built.quizzes[built.modules[0].pk].pk).update(keep=Quiz.Keep.LAST)
    QuizAttempt.objects.filter(user=alice, number=1).update(submitted_at=timezone.now())

    assert _kept(_row(built, alice))["quiz:m1"] == 0.5


def test_weights_per_module_and_type(built, alice) -> None:
    first, second = built.modules
    services.course_weights_update(
        course=built.course,
        type_weights=TypeWeights(lessons=0, quizzes=1, exercises=3),
        module_weights={first.pk: 2, second.pk: 0},
    )

    row = _row(built, alice)

    assert [cell.item.weight for cell in row.cells] == [0, 2, 6, 0, 0, 0]
    assert row.total == pytest.approx((2 * 1.0 + 6 * 0.8) / 8)


@pytest.mark.parametrize(
    ("lessons", "module_weight", "message"),
    [(-1, 1, "lessons must be a number"), (1, float("nan"), "Module 1 must be a number")],
)
def test_weights_refused_change_nothing(built, alice, lessons, module_weight, message) -> None:
    before = _row(built, alice).total

    with pytest.raises(ApplicationError, match=message):
        services.course_weights_update(
            course=built.course,
            type_weights=TypeWeights(lessons=lessons),
            module_weights={built.modules[0].pk: module_weight},
        )

    assert _row(built, alice).total == before


def test_a_refused_type_weight_names_its_type_in_the_learners_language(built) -> None:
    with translation.override("es"), pytest.raises(ApplicationError) as refused:
        services.course_weights_update(
            course=built.course, type_weights=TypeWeights(quizzes=-1), module_weights={}
        )
    assert "cuestionarios" in str(refused.value.message)
    assert "quizzes" not in str(refused.value.message)


def test_weights_of_a_module_of_another_course_are_refused(built, alice) -> None:
    from tests.gradebook.builder import build_course

    other = build_course(slug="other")

    with pytest.raises(ApplicationError) as refused:
        services.course_weights_update(
            course=built.course,
            type_weights=TypeWeights(),
            module_weights={other.modules[0].pk: 5},
        )
    assert (
        str(refused.value.message) == "A weight was given for a module that is not in this course."
    )
    assert not other.modules[0].__class__.objects.filter(grade_weight__isnull=False).exists()


def test_an_override_replaces_the_kept_score_and_keeps_the_raw_one(built, alice, ta) -> None:
    services.grade_override_set(
        course=built.course,
        learner_pk=alice.pk,
        item_key="exercise:m1:ex1",
        score=1.0,
        reason="Graded by hand: the grader timed out.",
        by_pk=ta.pk,
    )

    cell = next(c for c in _row(built, alice).cells if c.item.key == "exercise:m1:ex1")
    assert (cell.raw, cell.after_penalty, cell.kept) == (0.8, 0.8, 1.0)
    assert cell.override is not None
    assert cell.override.created_by == ta
    assert cell.override.reason == "Graded by hand: the grader timed out."
    assert cell.override.original_score == 0.8


def test_withdrawing_an_override_restores_the_computed_score_and_keeps_history(
    built, alice, ta
) -> None:
    for score in (0.1, None):
        services.grade_override_set(
            course=built.course,
            learner_pk=alice.pk,
            item_key="quiz:m1",
            score=score,
            reason=f"step {score}",
            by_pk=ta.pk,
        )

    assert _kept(_row(built, alice))["quiz:m1"] == 1.0
    assert list(GradeOverride.objects.order_by("pk").values_list("score", "reason")) == [
        (0.1, "step 0.1"),
        (None, "step None"),
    ]


@pytest.mark.parametrize(
    ("item", "score", "reason", "message"),
    [
        ("quiz:m1", 0.5, "  ", "Give a reason"),
        ("quiz:m1", 1.5, "typo", "percentage from 0 to 100"),
        ("quiz:m9", 0.5, "typo", "no such gradebook item"),
        ("quiz:m1", None, "nothing to withdraw", "no override to withdraw"),
    ],
)
def test_bad_overrides_are_refused_and_save_nothing(built, alice, ta, item, score, reason, message):
    with pytest.raises(ApplicationError, match=message):
        services.grade_override_set(
            course=built.course,
            learner_pk=alice.pk,
            item_key=item,
            score=score,
            reason=reason,
            by_pk=ta.pk,
        )
    assert not GradeOverride.objects.exists()


def test_an_override_for_someone_outside_the_course_is_refused(built, ta) -> None:
    stranger = UserFactory(username="stranger")

    with pytest.raises(ApplicationError) as refused:
        services.grade_override_set(
            course=built.course,
            learner_pk=stranger.pk,
            item_key="quiz:m1",
            score=0.5,
            reason="x",
            by_pk=ta.pk,
        )
    assert refused.value.status_code == 404
    assert not GradeOverride.objects.exists()


def _names(page):
    return [row.enrolment.user.username for row in page.rows]


def test_filters_search_sort_and_paging(built, alice) -> None:
    from courseware.models import Cohort

    tuesday = Cohort.objects.create(course=built.course, name="Tuesday")
    for name in ("bob", "carol", "dave"):
        user = UserFactory(username=name, email=f"{name}@example.org")
        enrol_with_role(user_id=user.pk, course=built.course)
    Enrolment.objects.filter(user__username="carol").update(cohort=tuesday)
    Enrolment.objects.filter(user__username="dave").update(status=Enrolment.Status.DROPPED)
    ExerciseProgress.objects.create(
        user=alice.__class__.objects.get(username="bob"),
        module=built.modules[1],
        exercise_key="ex1",
        best_points=5.0,
        max_points=5.0,
    )

    def page(**params):
        return gradebook_page(
            course=built.course, query=GradebookQuery.from_params(params), per_page=2
        )

    assert _names(page()) == ["alice", "bob"]
    assert _names(page(page="2")) == ["carol"]
    assert page().page.paginator.count == 3
    assert _names(page(status="dropped")) == ["dave"]
    assert _names(page(status="all", sort="-name")) == ["dave", "carol"]
    assert _names(page(cohort=str(tuesday.pk))) == ["carol"]
    assert _names(page(cohort="none")) == ["alice", "bob"]
    assert _names(page(q="LIDDELL")) == ["alice"]
    assert _names(page(q="bob@example")) == ["bob"]
    assert _names(page(sort="-total")) == ["alice", "bob"]
    assert _names(page(sort="total")) == ["carol", "bob"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "password"}, "Unknown sort"),
        ({"status": "deleted"}, "Unknown status"),
        ({"cohort": "x"}, "Unknown cohort"),
        ({"q": "x" * 101}, "at most 100"),
    ],
)
def test_bad_queries_are_refused(params, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        GradebookQuery.from_params(params)


def test_a_cohort_of_another_course_is_refused(built, alice) -> None:
    from courseware.models import Cohort
    from tests.gradebook.builder import build_course

    foreign = Cohort.objects.create(course=build_course(slug="other").course, name="Foreign")

    with pytest.raises(ApplicationError, match="no such cohort"):
        gradebook_page(
            course=built.course, query=GradebookQuery.from_params({"cohort": str(foreign.pk)})
        )


def test_a_late_penalty_from_the_hook_is_applied_and_the_raw_score_kept(
    built, alice, ta, monkeypatch
) -> None:
    """The deadlines app fills gradebook.penalties.late_penalties; here it is stood in for by
    a policy of 20% off the quiz of module 1, to show what the gradebook does with an answer."""
    asked = []

    def twenty_percent_off_quiz(*, course, checks):
        asked.extend(checks)
        return {
            check: Penalty(fraction=0.2, is_late=True, reason="1 day late")
            for check in checks
            if check.item_key == "quiz:m1"
        }

    monkeypatch.setattr("gradebook.selectors.rows.late_penalties", twenty_percent_off_quiz)
    # The stand-in's course can have late work (the real hook says so where it has due dates),
    # so the rows read when each piece of work was done and ask about it.
    monkeypatch.setattr("gradebook.selectors.rows.can_be_late", lambda *, course: True)

    row = _row(built, alice)
    cell = next(c for c in row.cells if c.item.key == "quiz:m1")

    assert (cell.raw, cell.after_penalty, cell.kept) == (1.0, 0.8, 0.8)
    assert cell.penalty.reason == "1 day late"
    assert row.total == pytest.approx((0.5 + 0.8 + 0.8) / 6)
    assert {check.item_key for check in asked} == {"lessons:m1", "quiz:m1", "exercise:m1:ex1"}
    assert all(check.user_id == alice.pk and check.done_at for check in asked)

    services.grade_override_set(
        course=built.course,
        learner_pk=alice.pk,
        item_key="quiz:m1",
        score=1.0,
        reason="Extension granted late",
        by_pk=ta.pk,
    )
    cell = next(c for c in _row(built, alice).cells if c.item.key == "quiz:m1")
    assert (cell.raw, cell.after_penalty, cell.kept) == (1.0, 0.8, 1.0)
    assert GradeOverride.objects.get().original_score == 0.8


def test_penalties_come_from_the_deadlines_app(built, alice) -> None:
    """The quiz's kept attempt (submitted an hour ago) came a day after its due date: the
    course's 10%-a-day policy takes 10% off it in the gradebook, the raw score kept; lessons
    read are never penalised, and without any due date nothing is late."""
    quiz = built.quizzes[built.modules[0].pk]
    now = timezone.now()
    check = LateCheck(user_id=alice.pk, item_key="quiz:m1", done_at=now)
    assert late_penalties(course=built.course, checks=[check]) == {}

    course_policy_update(
        course=built.course,
        late="penalty",
        penalty_percent_per_day=10,
        penalty_cap_percent=50,
        answer_reveal="always",
    )
    due_date_set(
        course=built.course, item=quiz, cohort=None, due_at=now - timedelta(days=1), set_by_id=None
    )
    due_date_set(
        course=built.course,
        item=built.modules[0],
        cohort=None,
        due_at=now - timedelta(days=5),
        set_by_id=None,
    )
    cells = {cell.item.key: cell for cell in _row(built, alice).cells}
    quiz_cell = cells["quiz:m1"]
    assert quiz_cell.raw == 1.0
    assert quiz_cell.after_penalty == pytest.approx(0.9)
    assert quiz_cell.penalty.is_late and "late" in quiz_cell.penalty.reason
    lessons = next(cell for key, cell in cells.items() if key.startswith("lessons:m1"))
    assert not lessons.penalty.is_late
    assert NO_PENALTY.apply(0.7) == 0.7
    assert Penalty(fraction=0.25, is_late=True).apply(0.8) == pytest.approx(0.6)
    assert Penalty(fraction=3, is_late=True).apply(0.8) == 0.0
