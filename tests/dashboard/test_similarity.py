"""Code similarity with copydetect: two learners whose code differs only in names are listed as
a pair, a learner with their own solution is not, and the starter code does not count."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dashboard.selectors.similarity import exercise_similarity
from grading.models import Exercise
from tests.dashboard.conftest import client_of, enrol, submit

ADA = """
def softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    total = exponentials.sum(axis=-1, keepdims=True)
    result = exponentials / total
    for row in range(result.shape[0]):
        assert abs(result[row].sum() - 1.0) < 1e-9
    return result
"""
# Ada's code with every name changed: copydetect compares tokens, not names.
BOB = (
    ADA.replace("logits", "z")
    .replace("shifted", "s")
    .replace("exponentials", "e")
    .replace("total", "t")
    .replace("result", "out")
)
CY = """
def softmax(values):
    import math
    answers = []
    for line in values:
        peak = max(line)
        weights = [math.exp(item - peak) for item in line]
        answers.append([weight / sum(weights) for weight in weights])
    return np.array(answers)
"""


def test_similar_code_is_listed_for_review(built, cohort, instructor):
    now = timezone.now()
    exercise = built.exercises[built.modules[0].pk][0]
    Exercise.objects.filter(pk=exercise.pk).update(starter_code={"softmax": "def softmax(x):\n"})
    exercise.refresh_from_db()
    for name, code in (("ada", ADA), ("bob", BOB), ("cy", CY)):
        user = enrol(built, name, cohort=cohort, since=now)
        submit(
            exercise, user, code=code, points=5.0, at=now - timedelta(minutes=5), hidden_fails=False
        )

    report = exercise_similarity(exercise=exercise)

    assert report.compared == 3 and not report.limited
    pairs = [
        {pair.first.user.get_username(), pair.second.user.get_username()} for pair in report.pairs
    ]
    assert pairs == [{"ada", "bob"}]
    assert report.pairs[0].share == 1.0

    html = (
        client_of(instructor)
        .get("/courses/dash/dashboard/exercises/m1/ex1/similarity/")
        .content.decode()
    )
    assert "3 submissions compared; 1 pair share at least half" in html
    assert "100% / 100%" in html
