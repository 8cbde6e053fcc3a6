"""The broker's side of a grading run: which queue it goes to, the learner's share of the broker,
and sending runs to it.

A run enters the broker (QUEUED) only while its learner has fewer than
settings.GRADING_ACTIVE_PER_LEARNER runs queued or running; the others wait (WAITING) and are
promoted, oldest first, whenever one of that learner's runs ends. The services (submitting,
regrading) and the execution step (ending a run) both sit above this module.
"""

from __future__ import annotations

import functools
import logging

import kombu.exceptions
from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Now

from grading.models import GradingRun, Submission
from grading.selectors import queue_for
from monitoring.logs import bound_to_run

# Statuses of a run that is in the broker (or in a worker): what the per-learner share counts.
ACTIVE_STATUSES = (GradingRun.Status.QUEUED, GradingRun.Status.RUNNING)


def lock_learner(*, user_id: int) -> None:
    """Serialize the writes that count a learner's submissions or runs and then add to them (the
    hourly limit, the share of the broker): without it, parallel posts all read the same count."""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk"))


def run_create(*, submission: Submission, number: int, reason: str, seed: int) -> GradingRun:
    """A new run, sent to the broker if the learner has a free slot, else left waiting. Call
    inside a transaction with the learner locked."""
    queue, message = queue_for(submission.exercise)
    admitted = free_slots(user_id=submission.user_id) > 0
    run = GradingRun.objects.create(
        submission=submission,
        number=number,
        reason=reason,
        queue=queue,
        status=GradingRun.Status.QUEUED if admitted else GradingRun.Status.WAITING,
        status_message=message,
        seed=seed,
    )
    if admitted:
        transaction.on_commit(functools.partial(enqueue, run))
    return run


def free_slots(*, user_id: int) -> int:
    """How many more of this learner's runs may enter the broker now (learner locked)."""
    share: int = settings.GRADING_ACTIVE_PER_LEARNER
    if share <= 0:  # no per-learner share: everything goes to the broker
        return 2**31
    active = GradingRun.objects.filter(
        submission__user_id=user_id, status__in=ACTIVE_STATUSES
    ).count()
    return max(0, share - active)


def runs_promote_waiting(*, user_id: int) -> int:
    """Send the learner's oldest waiting runs to the broker, as many as their share has room
    for. Called whenever one of their runs ends, and by the watchdog. Returns how many."""
    with transaction.atomic():
        lock_learner(user_id=user_id)
        free = free_slots(user_id=user_id)
        if free <= 0:
            return 0
        waiting = list(
            GradingRun.objects.filter(
                submission__user_id=user_id, status=GradingRun.Status.WAITING
            ).order_by("queued_at", "pk")[:free]
        )
        for run in waiting:
            # queued_at becomes the time it joins the broker's line: the learner's place in line
            # counts from there.
            GradingRun.objects.filter(pk=run.pk, status=GradingRun.Status.WAITING).update(
                status=GradingRun.Status.QUEUED, queued_at=Now()
            )
            transaction.on_commit(functools.partial(enqueue, run))
    return len(waiting)


def promote_after_ending(*, run_pk: int) -> None:
    """A run of the learner's ended: let their next waiting run into the broker."""
    user_id = (
        GradingRun.objects.filter(pk=run_pk).values_list("submission__user_id", flat=True).first()
    )
    if user_id is not None:
        runs_promote_waiting(user_id=user_id)


# The grading task by its registered name: this module sends work to the task and the task calls
# the execution step, which uses this module, so naming it (Celery's registry, filled when the
# app is ready) instead of importing grading.tasks keeps the dependency one way with no circle.
logger = logging.getLogger(__name__)

GRADE_RUN_TASK = "grading.tasks.grade_run"


def enqueue(run: GradingRun) -> None:
    """Send the run's task to the broker. Called after the commit, so the run is already stored
    as queued: if the broker cannot be reached (Celery has retried the publish), the learner is
    not shown an error for a submission that is safe; the watchdog's lost-task rule sends the run
    once the broker is back (GRADING_LOST_AFTER_SECONDS), and the status page says queued."""
    # The run's id joins the request's in the task's headers, for the worker's log lines.
    with bound_to_run(run.pk):
        try:
            current_app.tasks[GRADE_RUN_TASK].apply_async(args=(run.pk,), queue=run.queue)
        except kombu.exceptions.OperationalError as error:
            logger.warning(
                "Broker unreachable; run %s stays queued for the watchdog: %s", run.pk, error
            )
