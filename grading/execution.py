"""The execution step of a grading run: claim it, grade it in the sandboxes, record the result
or fail it. The Celery task (grading/tasks.py) calls this; so do the watchdog (services) and
`manage.py grade` (which grades without a run).

Every path ends in GRADED or FAILED: retries that are spent, tasks the broker lost and workers
that vanished too often all end as FAILED with a plain message, and each ending lets the
learner's next waiting run into the broker.
"""

from __future__ import annotations

import base64
import logging
import time
import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_noop

from courseware.services import exercise_score_record
from grading.feedback import (
    feedback_from_outcome,
    feedback_to_json,
    hidden_details_from_outcome,
    hidden_details_to_json,
)
from grading.models import Exercise, GradingRun, RunRecord
from grading.observing import record_grading_metrics
from grading.pipeline import (
    GradingInfrastructureError,
    GradingLimits,
    GradingOutcome,
    grade_notebook,
)
from grading.queueing import promote_after_ending
from grading.selectors import exercise_prepared_notebook
from monitoring import metrics
from sandbox import Sandbox, get_sandbox

logger = logging.getLogger(__name__)

RunModel = TypeVar("RunModel", bound=RunRecord)

# Stored in English, shown in the reader's language (the result template translates it).
OUR_SIDE_MESSAGE = gettext_noop(
    "We could not grade this submission because of a problem on our side, not because of your "
    "code. It has been reported to the course staff, who can grade it again."
)


def grading_run_claim(*, run_pk: int, redelivered: bool) -> uuid.UUID | None:
    """Claim a queued run with a conditional UPDATE; a redelivered task may also take over a run
    left 'running' by a worker that died. Returns the claim token, or None if not ours."""
    token = uuid.uuid4()
    condition = Q(status=GradingRun.Status.QUEUED)
    if redelivered:
        condition |= Q(status=GradingRun.Status.RUNNING)
    claimed = GradingRun.objects.filter(condition, pk=run_pk).update(
        status=GradingRun.Status.RUNNING,
        claim_token=token,
        claimed_at=Now(),
        deliveries=F("deliveries") + 1,
    )
    return token if claimed else None


def grading_run_execute(*, run_pk: int, redelivered: bool = False) -> str:
    """Grade one run end to end. Returns what happened, for logs and tests."""
    token = grading_run_claim(run_pk=run_pk, redelivered=redelivered)
    if token is None:
        return "skipped"
    run = GradingRun.objects.select_related("submission__exercise__module").get(pk=run_pk)
    exercise = run.submission.exercise
    if run.claimed_at is not None:
        metrics.queue_wait_observe(
            queue=run.queue, seconds=(run.claimed_at - run.queued_at).total_seconds()
        )
    _, profile = grading_limits_for(exercise=exercise)
    started = time.monotonic()
    logger.info("grading started", extra={"profile": profile, "queue": run.queue})
    try:
        outcome = grade_submission_answers(
            exercise=exercise, answers=run.submission.answers, seed=run.seed
        )
    except GradingInfrastructureError:
        metrics.grading_observe(
            profile=profile,
            outcome=metrics.OUTCOME_INFRASTRUCTURE_ERROR,
            seconds=time.monotonic() - started,
        )
        # Back to the line while the task waits for its retry; the task fails the run once its
        # retries are spent (grading_run_give_up), so no run stays queued for ever.
        GradingRun.objects.filter(pk=run_pk, claim_token=token).update(
            status=GradingRun.Status.QUEUED, claimed_at=None, queued_at=Now()
        )
        raise
    with transaction.atomic():
        finished = run_outcome_record(
            run=GradingRun.objects.filter(pk=run_pk),
            token=token,
            outcome=outcome,
            exercise=exercise,
            exercise_hash=exercise.content_hash,
            hidden_tests=hidden_details_to_json(hidden_details_from_outcome(outcome=outcome)),
        )
        if not finished:
            return "lost-claim"
        record_grading_metrics(profile=profile, outcome=outcome)
        exercise_score_record(
            user_id=run.submission.user_id,
            module_id=exercise.module_id,
            exercise_slug=exercise.slug,
            points=outcome.points,
            max_points=outcome.max_points,
        )
    promote_after_ending(run_pk=run_pk)
    return "graded"


def run_outcome_record(
    *,
    run: QuerySet[RunModel],
    token: uuid.UUID,
    outcome: GradingOutcome,
    exercise: Exercise,
    **more: Any,
) -> bool:
    """End a run (`run`: its one row, a grading's or a practice run's) as GRADED with the
    outcome and the learner's feedback, if this worker's claim (`token`) still holds it; `more`
    are further columns of that kind of run. Returns whether the claim held."""
    feedback = feedback_from_outcome(outcome=outcome, test_hints=exercise.test_hints)
    finished = run.filter(claim_token=token, status=RunRecord.RUNNING).update(
        status=RunRecord.GRADED,
        points=outcome.points,
        max_points=outcome.max_points,
        feedback=feedback_to_json(feedback),
        status_message=outcome.message,
        finished_at=timezone.now(),
        **more,
    )
    return bool(finished)


def grading_limits_for(*, exercise: Exercise) -> tuple[GradingLimits, str]:
    """The limits and runtime profile an exercise is graded with on this host: a GPU when the
    exercise wants one and this worker offers one (settings.SANDBOX_GPUS), else the CPU."""
    use_gpu = exercise.device != Exercise.Device.CPU and settings.SANDBOX_GPUS > 0
    limits = GradingLimits(
        wall_seconds=exercise.wall_seconds,
        memory_mb=exercise.memory_mb,
        gpus=1 if use_gpu else 0,
    )
    return limits, "python-gpu" if use_gpu else "python-cpu"


def grade_submission_answers(
    *, exercise: Exercise, answers: dict[str, str], seed: int, sandbox: Sandbox | None = None
) -> GradingOutcome:
    """Grade answers against an exercise as the worker does (also `manage.py grade`)."""
    limits, profile = grading_limits_for(exercise=exercise)
    return grade_notebook(
        sandbox=sandbox if sandbox is not None else get_sandbox(),
        source=exercise_prepared_notebook(exercise=exercise),
        answers=answers,
        limits=limits,
        profile=profile,
        seed=seed,
        data_files={
            name: base64.b64decode(content) for name, content in exercise.data_files.items()
        },
    )


UNFINISHED = Q(
    status__in=[GradingRun.Status.WAITING, GradingRun.Status.QUEUED, GradingRun.Status.RUNNING]
)


def grading_run_fail(
    *, run_pk: int, message: str, detail: str = "", condition: Q = UNFINISHED
) -> bool:
    """End a run that has not ended as FAILED: `message` for the learner, `detail` for
    instructors; `condition` narrows which state of the run may be ended (the state a caller
    read). Lets the learner's next waiting run in. Returns whether this call ended it."""
    ended = (
        GradingRun.objects.filter(condition, pk=run_pk)
        .filter(UNFINISHED)
        .update(
            status=GradingRun.Status.FAILED,
            status_message=message,
            failure_detail=detail,
            finished_at=timezone.now(),
        )
    )
    if ended:
        promote_after_ending(run_pk=run_pk)
    return bool(ended)


def grading_run_give_up(*, run_pk: int, detail: str, condition: Q = UNFINISHED) -> bool:
    """The grader could not grade this run after all its tries: the learner gets a plain
    message, the instructors the reason, and the error log a report."""
    ended = grading_run_fail(
        run_pk=run_pk, message=OUR_SIDE_MESSAGE, detail=detail[-4000:], condition=condition
    )
    if ended:
        exercise = Exercise.objects.filter(submissions__runs__pk=run_pk).first()
        if exercise is not None:
            _, profile = grading_limits_for(exercise=exercise)
            metrics.grading_observe(profile=profile, outcome=metrics.OUTCOME_FAILED)
        logger.error("grading run %s failed on our side and was given up: %s", run_pk, detail)
    return ended
