"""The per-submission seed: drawn by the server for each run, reused by a regrade unless a fresh
one is asked for, handed to the pipeline, shown to instructors and never to the learner."""

from __future__ import annotations

import pytest
from django.test import Client

from grading import execution, services
from grading.models import SEED_LIMIT, Exercise, GradingRun
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import (
    SOFTMAX_SOLUTION,
    answer_cell,
    grade_cell,
    notebook,
    setup_cell,
)

RIGHT = "".join(line for line in SOFTMAX_SOLUTION.splitlines(keepends=True) if "### " not in line)
SEED = 1_234_567_891  # a number that appears nowhere else on the pages


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(user, exercise: Exercise) -> GradingRun:
    return services.submission_create(
        user=user, exercise=exercise, code={"answer": RIGHT}
    ).runs.get()


def test_each_run_stores_its_own_drawn_seed(exercise, learner) -> None:
    seeds = [_submit(learner, exercise).seed for _ in range(3)]
    stored = list(GradingRun.objects.order_by("pk").values_list("seed", flat=True))
    assert stored == seeds
    assert all(0 <= seed < SEED_LIMIT for seed in seeds)
    assert len(set(seeds)) == 3  # equal draws of 2**31 values would be a broken generator


def test_a_regrade_reuses_the_seed_unless_a_fresh_one_is_asked_for(exercise, learner) -> None:
    first = _submit(learner, exercise)
    same = services.submission_regrade(submission=first.submission)
    fresh = services.submission_regrade(submission=first.submission, fresh_seed=True)
    after_fresh = services.submission_regrade(submission=first.submission)

    assert [run.number for run in (first, same, fresh, after_fresh)] == [1, 2, 3, 4]
    assert same.seed == first.seed
    assert fresh.seed != first.seed
    assert after_fresh.seed == fresh.seed  # the latest run's seed, not the first one's
    assert list(GradingRun.objects.order_by("number").values_list("seed", flat=True)) == [
        first.seed,
        first.seed,
        fresh.seed,
        fresh.seed,
    ]


def test_instructors_regrade_with_a_fresh_seed_from_the_page_and_the_api(
    exercise, learner, staff_user
) -> None:
    first = _submit(learner, exercise)
    page = f"/exercises/test-course/stable-softmax/submissions/{first.submission_id}/regrade/"
    api = f"/api/grading/submissions/{first.submission_id}/regrade/"
    staff = _client(staff_user)

    assert staff.post(page).status_code == 302
    assert staff.post(page, {"fresh_seed": "on"}).status_code == 302
    reused = staff.post(api, {}, content_type="application/json")
    fresh = staff.post(api, {"fresh_seed": True}, content_type="application/json")
    refused = _client(learner).post(api, {"fresh_seed": True}, content_type="application/json")

    seeds = list(GradingRun.objects.order_by("number").values_list("seed", flat=True))
    assert seeds[1] == seeds[0] and seeds[2] != seeds[1]
    assert (reused.status_code, reused.json()["number"], reused.json()["seed"]) == (
        202,
        4,
        seeds[2],
    )
    assert (fresh.status_code, fresh.json()["number"]) == (202, 5)
    assert fresh.json()["seed"] == seeds[4] != seeds[3]
    assert refused.status_code == 403
    assert GradingRun.objects.count() == 5


def test_the_seed_is_shown_to_instructors_and_never_to_the_learner(
    exercise, learner, staff_user
) -> None:
    run = _submit(learner, exercise)
    GradingRun.objects.filter(pk=run.pk).update(seed=SEED)
    detail = f"/exercises/test-course/stable-softmax/submissions/{run.submission_id}/"

    learner_views = [
        _client(learner).get(detail).content,
        _client(learner).get(f"/api/grading/submissions/{run.submission_id}/").content,
        _client(learner).get("/exercises/test-course/stable-softmax/").content,
    ]
    for content in learner_views:
        assert str(SEED).encode() not in content
    assert b"seed" not in learner_views[1]
    assert f"Seed {SEED}".encode() in _client(staff_user).get(detail).content
    listing = _client(staff_user).get("/exercises/test-course/stable-softmax/all-submissions/")
    assert f"<td>{SEED}</td>".encode() in listing.content
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    changelist = _client(admin).get("/admin/grading/gradingrun/")
    assert changelist.status_code == 200
    assert f'<td class="field-seed">{SEED}</td>'.encode() in changelist.content


def test_the_runs_seed_reaches_the_test_cells(db, tmp_path, learner) -> None:
    """Through the real pipeline and sandbox: a visible test prints the seed it was handed."""
    source = notebook(
        setup_cell("import numpy as np"),
        answer_cell(SOFTMAX_SOLUTION),
        grade_cell("print('seed', GRADING_SEED)", "test_seed", 1),
    )
    exercise = make_exercise(tmp_path, slug="seeded", source=source)
    run = _submit(learner, exercise)
    GradingRun.objects.filter(pk=run.pk).update(seed=SEED)

    assert execution.grading_run_execute(run_pk=run.pk) == "graded"
    regrade = services.submission_regrade(submission=run.submission)
    assert execution.grading_run_execute(run_pk=regrade.pk) == "graded"

    for graded in GradingRun.objects.order_by("number"):
        assert [cell["output"] for cell in graded.feedback["cells"]] == [f"seed {SEED}\n"]
