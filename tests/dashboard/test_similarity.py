"""Code similarity with copydetect: two learners whose code differs only in names are listed as
a pair, a learner with their own solution is not, and the starter code does not count. The
comparison runs as a Celery task (eager here: the dashboard tests run no worker), its report is
stored with the time it took, and the page shows the last one, "computing" while a new one is
pending, and a button to recompute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from dashboard.models import SimilarityRun
from dashboard.selectors.similarity import exercise_similarity
from dashboard.services import similarity_run_compute
from grading.models import Exercise
from tests.dashboard.conftest import client_of, enrol, submit

PAGE = "/courses/dash/dashboard/exercises/m1/ex1/similarity/"

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


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def three(built, cohort):
    now = timezone.now()
    exercise = built.exercises[built.modules[0].pk][0]
    for name, code in (("ada", ADA), ("bob", BOB), ("cy", CY)):
        user = enrol(built, name, cohort=cohort, since=now)
        submit(
            exercise, user, code=code, points=5.0, at=now - timedelta(minutes=5), hidden_fails=False
        )
    return exercise


def test_the_page_computes_nothing_and_a_task_stores_the_report(
    three, instructor, eager_tasks, django_capture_on_commit_callbacks
):
    staff = client_of(instructor)
    first = staff.get(PAGE).content.decode()
    assert "No comparison has been made for this exercise yet." in first
    assert not SimilarityRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        asked = staff.post(f"{PAGE}compute/")
    assert (asked.status_code, asked.url) == (302, PAGE)
    assert len(queued) == 1
    pending = staff.get(PAGE).content.decode()
    assert "Computing… the comparison runs in the background" in pending
    assert "Recompute" not in pending
    with django_capture_on_commit_callbacks(execute=False) as again:
        staff.post(f"{PAGE}compute/")
    assert again == []  # asked while pending: nothing more is queued

    queued[0]()  # the commit's callback: the eager task computes the report
    run = SimilarityRun.objects.get()
    assert (run.status, run.compared, run.limited, len(run.pairs)) == ("done", 3, False, 1)
    assert run.seconds is not None and run.seconds >= 0 and run.computed_at is not None
    html = staff.get(PAGE).content.decode()
    assert "3 submissions compared; 1 pair share at least half" in html
    assert "100% / 100%" in html
    assert 'data-pair="ada+bob"' in html or 'data-pair="bob+ada"' in html
    assert "Recompute" in html
    # A task delivered twice computes once.
    assert similarity_run_compute(run_pk=run.pk) == "skipped"


def test_recompute_keeps_the_last_report_until_the_new_one_is_done(
    three, instructor, eager_tasks, django_capture_on_commit_callbacks
):
    staff = client_of(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"{PAGE}compute/")
    computed = SimilarityRun.objects.get()
    assert computed.status == "done"

    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff.post(f"{PAGE}compute/")
    html = staff.get(PAGE).content.decode()
    assert "Computing…" in html and "3 submissions compared" in html
    queued[0]()
    assert SimilarityRun.objects.get().computed_at >= computed.computed_at
