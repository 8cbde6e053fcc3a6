"""The demo class of `make run`: 30 learners in one cohort with varied activity (some ahead,
some stuck on one exercise, some gone quiet, some not started), made twice without doubling."""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command

from courseware.models import Cohort, Enrolment, ExerciseProgress, LessonRead, QuizAttempt
from dashboard.demo import DEMO_COHORT
from dashboard.selectors.attention import AttentionRules, needs_attention
from dashboard.selectors.heatmap import active_learners, course_heatmap
from grading.models import Exercise, GradingRun, Submission
from tests.courseware.factories import QuestionFactory

CELLS = [
    {
        "grade_id": "softmax",
        "kind": "answer",
        "source": "def softmax(x):\n    ### BEGIN SOLUTION\n    e = np.exp(x - x.max())\n"
        "    return e / e.sum()\n    ### END SOLUTION",
        "points": 0.0,
        "hidden": False,
    },
    {"grade_id": "test_small", "kind": "test", "source": "", "points": 2.0, "hidden": False},
    {"grade_id": "test_hidden", "kind": "test", "source": "", "points": 3.0, "hidden": True},
]


def _prepare(built) -> None:
    Exercise.objects.filter(module__course=built.course).update(cells=CELLS)
    for quiz in built.quizzes.values():
        for n in range(3):
            QuestionFactory(course=built.course, quiz=quiz, slug=f"{quiz.pk}-q{n}", order=n)


def test_the_demo_class_is_varied_and_made_once(built) -> None:
    _prepare(built)

    call_command("create_demo_class")
    call_command("create_demo_class")

    cohort = Cohort.objects.get(course=built.course, name=DEMO_COHORT)
    learners = Enrolment.objects.filter(cohort=cohort)
    assert learners.count() == 30
    user_ids = list(learners.values_list("user_id", flat=True))
    submissions = Submission.objects.filter(user_id__in=user_ids)
    assert GradingRun.objects.filter(submission__in=submissions).count() == submissions.count()
    passing = submissions.filter(runs__points=5.0)
    assert passing.exists() and passing.first().answers["softmax"] == (
        "def softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()"
    )
    failing = submissions.exclude(runs__points=5.0).first()
    assert "# TODO: not sure about this step" in failing.answers["softmax"]
    assert LessonRead.objects.filter(user_id__in=user_ids).exists()
    assert QuizAttempt.objects.filter(user_id__in=user_ids, status="submitted").exists()
    assert ExerciseProgress.objects.filter(user_id__in=user_ids).exists()

    heatmap = course_heatmap(course=built.course, enrolments=active_learners(course=built.course))
    levels = Counter(cell.level for row in heatmap.rows for cell in row.cells)
    assert levels[0] and len(levels) >= 3
    listed = needs_attention(course=built.course, heatmap=heatmap, rules=AttentionRules())
    reasons = " ".join(reason for entry in listed for reason in entry.reasons)
    assert "No activity for" in reasons
    assert "failed submissions on" in reasons
    assert "Behind:" in reasons
