"""Writes of the dashboard: asking for an exercise's similarity report and computing it (the
Celery task's step). The page never computes it inside its request."""

from __future__ import annotations

import time

from celery import current_app
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from dashboard.models import SimilarityRun
from dashboard.selectors.similarity import exercise_similarity, pairs_to_json
from grading.models import Exercise

SIMILARITY_TASK = "dashboard.tasks.similarity_compute"
COMPUTING = [SimilarityRun.Status.PENDING, SimilarityRun.Status.RUNNING]


def _enqueue(run_pk: int) -> None:
    # By name: the task module imports this one.
    current_app.tasks[SIMILARITY_TASK].apply_async(args=(run_pk,), queue="default")


def similarity_request(*, exercise: Exercise) -> SimilarityRun:
    """Ask for a fresh report of the exercise: queued once after the commit; asking while one
    is being computed queues nothing more."""
    with transaction.atomic():
        run, created = SimilarityRun.objects.get_or_create(exercise=exercise)
        asked = created or bool(
            SimilarityRun.objects.filter(pk=run.pk)
            .exclude(status__in=COMPUTING)
            .update(status=SimilarityRun.Status.PENDING, requested_at=Now(), error="")
        )
        if asked:
            transaction.on_commit(lambda: _enqueue(run.pk))
    run.refresh_from_db()
    return run


def similarity_run_compute(*, run_pk: int, redelivered: bool = False) -> str:
    """Compute a requested report, if this call claims it (a redelivered task may take over a
    run left running by a worker that died). Returns what happened, for logs and tests."""
    condition = Q(status=SimilarityRun.Status.PENDING)
    if redelivered:
        condition |= Q(status=SimilarityRun.Status.RUNNING)
    claimed = SimilarityRun.objects.filter(condition, pk=run_pk).update(
        status=SimilarityRun.Status.RUNNING, started_at=Now()
    )
    if not claimed:
        return "skipped"
    run = SimilarityRun.objects.select_related("exercise").get(pk=run_pk)
    started = time.monotonic()
    report = exercise_similarity(exercise=run.exercise)
    SimilarityRun.objects.filter(pk=run_pk, status=SimilarityRun.Status.RUNNING).update(
        status=SimilarityRun.Status.DONE,
        computed_at=timezone.now(),
        seconds=time.monotonic() - started,
        compared=report.compared,
        limited=report.limited,
        pairs=pairs_to_json(report.pairs),
    )
    return "computed"


def similarity_run_fail(*, run_pk: int, error: str) -> None:
    SimilarityRun.objects.filter(pk=run_pk, status__in=COMPUTING).update(
        status=SimilarityRun.Status.FAILED, computed_at=timezone.now(), error=error[:2000]
    )
