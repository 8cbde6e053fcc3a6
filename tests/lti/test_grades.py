"""Assignment and Grade Services: a submitted quiz attempt and a graded exercise send the score
the course policy keeps to the platform's line item, once per score, and a platform that is
down gets it when it is back."""

from __future__ import annotations

from typing import Any

from courseware.models import ExerciseProgress, Module, Quiz
from courseware.services import exercise_score_record, quiz_attempt_start, quiz_attempt_submit
from lti.models import GradeSend, GradeSync, Identity
from lti.services.grades import grade_send, grades_pending
from lti.tasks import grades_resend_pending
from tests.lti.conftest import EXERCISE_TARGET, QUIZ_TARGET
from tests.lti.platform import LEARNER, LaunchSpec


def _launched_learner(lti_launch: Any, **spec: Any) -> Identity:
    outcome = lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], **spec))
    assert outcome.response.status_code == 302, outcome.response.text
    return Identity.objects.get(sub="s-1")


def _submit_quiz(user_id: int, answers: dict[str, str]) -> None:
    quiz = Quiz.objects.get(module__slug="basics")
    attempt, _ = quiz_attempt_start(user_id=user_id, quiz=quiz)
    attempt.answers = answers
    attempt.save(update_fields=["answers"])
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=user_id)


def test_a_submitted_quiz_attempt_sends_its_score_once(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    identity = _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})

    _submit_quiz(identity.user_id, {"q1": "b", "q2": "a"})

    assert len(platform.scores) == 1
    line_item, score = platform.scores[0]
    assert line_item == "1"
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("s-1", 1.0, 2.0)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    grade = GradeSync.objects.get()
    assert (grade.status, grade.sent_score_given, grade.sent_score_maximum) == ("sent", 1.0, 2.0)
    sent = GradeSend.objects.get()
    assert (sent.score_given, sent.lineitem_url) == (1.0, f"{platform.url}/lineitems/1")

    assert grade_send(grade_pk=grade.pk) == "nothing"
    assert len(platform.scores) == 1


def test_a_worse_attempt_sends_nothing_when_the_quiz_keeps_the_best(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    identity = _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})
    _submit_quiz(identity.user_id, {"q1": "b", "q2": "b"})
    _submit_quiz(identity.user_id, {"q1": "a", "q2": "a"})

    assert [score["scoreGiven"] for _, score in platform.scores] == [2.0]


def test_the_last_attempt_is_sent_when_the_quiz_keeps_the_last(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    Quiz.objects.update(keep=Quiz.Keep.LAST)
    identity = _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})
    _submit_quiz(identity.user_id, {"q1": "b", "q2": "b"})
    _submit_quiz(identity.user_id, {"q1": "a", "q2": "a"})

    assert [score["scoreGiven"] for _, score in platform.scores] == [2.0, 0.0]


def test_a_graded_exercise_creates_its_line_item_and_sends_the_best_score(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    identity = _launched_learner(
        lti_launch, custom={"academy_target": EXERCISE_TARGET}, lineitem_id=None
    )
    module = Module.objects.get(slug="basics")

    # What grading calls when a run is graded (grading.services -> courseware).
    exercise_score_record(
        user_id=identity.user_id, module_id=module.pk, exercise_slug="ex1", points=7, max_points=10
    )
    exercise_score_record(
        user_id=identity.user_id, module_id=module.pk, exercise_slug="ex1", points=4, max_points=10
    )

    created = [
        item for item in platform.lineitems.values() if item["resourceId"] == EXERCISE_TARGET
    ]
    assert len(created) == 1 and created[0]["scoreMaximum"] == 10
    number = created[0]["id"].rsplit("/", 1)[1]
    assert [(item, s["scoreGiven"], s["scoreMaximum"]) for item, s in platform.scores] == [
        (number, 7.0, 10.0)
    ]
    assert ExerciseProgress.objects.get().best_points == 7


def test_a_platform_that_is_down_loses_no_grade(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    identity = _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})
    platform.down = True

    _submit_quiz(identity.user_id, {"q1": "b", "q2": "b"})

    grade = GradeSync.objects.get()
    assert grade.status == "failed"
    assert grade.attempts >= 2  # the task retried with backoff before leaving it pending
    assert "503" in grade.last_error
    assert platform.scores == []
    assert grades_pending(older_than_seconds=0) == [grade.pk]

    platform.down = False
    GradeSync.objects.update(updated_at=grade.updated_at.replace(year=2000))
    assert grades_resend_pending.apply().get() == 1

    assert [s["scoreGiven"] for _, s in platform.scores] == [2.0]
    assert GradeSync.objects.get().status == "sent"
    assert grades_pending(older_than_seconds=0) == []


def test_a_learner_without_an_lms_identity_sends_nothing(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})
    from tests.courseware.factories import UserFactory

    local = UserFactory(username="local-learner")
    _submit_quiz(local.pk, {"q1": "b", "q2": "b"})

    assert platform.scores == []
    assert GradeSync.objects.count() == 0


def test_a_score_the_platform_refuses_is_recorded_and_not_resent(
    lti_launch: Any, course: Any, platform: Any, eager_tasks: None
) -> None:
    identity = _launched_learner(lti_launch, custom={"academy_target": QUIZ_TARGET})
    platform.refusing = True

    _submit_quiz(identity.user_id, {"q1": "b", "q2": "b"})

    grade = GradeSync.objects.get()
    assert (grade.status, grade.attempts) == ("refused", 1)  # a 4xx is not retried
    assert "403" in grade.last_error
    assert grades_pending(older_than_seconds=0) == []
    assert GradeSend.objects.count() == 0
