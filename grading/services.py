"""Writes of the grading app: submissions, drafts, claiming and finishing gradings, regrades,
hints.

The life of a grading run: WAITING (the learner already has their share of runs in the broker)
-> QUEUED (sent to the broker) -> RUNNING (claimed by a worker) -> GRADED or FAILED. Every path
ends in GRADED or FAILED: retries that are spent, tasks the broker lost and workers that vanished
too often all end as FAILED with a plain message, and each ending lets the learner's next waiting
run into the broker.
"""

from __future__ import annotations

import base64
import logging
import uuid
from datetime import timedelta
from typing import Any

import kombu.exceptions
from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from courseware.errors import ApplicationError
from courseware.services import exercise_score_record
from grading.models import Draft, Exercise, GradingRun, HintReveal, Submission, new_seed
from grading.notebooks import (
    MAX_ANSWER_BYTES,
    NotebookError,
    answers_from_notebook,
    notebook_from_json,
    read_notebook,
)
from grading.pipeline import (
    GradingInfrastructureError,
    GradingLimits,
    GradingOutcome,
    grade_notebook,
)
from sandbox import Sandbox, get_sandbox

logger = logging.getLogger(__name__)

# Statuses of a run that is in the broker (or in a worker): what the per-learner share counts.
ACTIVE_STATUSES = (GradingRun.Status.QUEUED, GradingRun.Status.RUNNING)
# The watchdog sends a run to the broker again at most this many times, then fails it.
MAX_REQUEUES = 3
OUR_SIDE_MESSAGE = (
    "We could not grade this submission because of a problem on our side, not because of your "
    "code. It has been reported to the course staff, who can grade it again."
)


def queue_for(exercise: Exercise) -> tuple[str, str]:
    """The Celery queue for an exercise, and what to tell the learner about it."""
    if exercise.device == Exercise.Device.CPU:
        return "grading", ""
    if settings.GRADING_GPU_WORKERS:
        return "grading-gpu", ""
    if exercise.device == Exercise.Device.PREFER_GPU:
        return "grading", "No GPU worker is available: this exercise is graded on the CPU."
    return "grading-gpu", "Waiting for a GPU worker."


def _lock_learner(*, user_id: int) -> None:
    """Serialize the writes that count a learner's submissions or runs and then add to them (the
    hourly limit, the share of the broker): without it, parallel posts all read the same count."""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk"))


def _check_rate(*, user: Any, exercise: Exercise) -> None:
    """Call inside the transaction that inserts, with the learner locked."""
    limit = settings.GRADING_SUBMISSIONS_PER_HOUR
    if limit <= 0:
        return
    since = timezone.now() - timedelta(hours=1)
    recent = Submission.objects.filter(user=user, exercise=exercise, created_at__gte=since)
    if recent.count() < limit:
        return
    oldest = recent.order_by("created_at").values_list("created_at", flat=True)[0]
    wait = oldest + timedelta(hours=1) - timezone.now()
    minutes = max(1, int(wait.total_seconds() // 60) + 1)
    raise ApplicationError(
        f"You have used all {limit} graded submissions for this exercise in the last hour. "
        f"You can submit again in {minutes} minute{'s' if minutes != 1 else ''}.",
        status_code=429,
    )


def submission_create(
    *,
    user: Any,
    exercise: Exercise,
    code: dict[str, str] | None = None,
    notebook: bytes | None = None,
) -> Submission:
    """Store a submission exactly as received and queue its first grading."""
    if not exercise.is_active:
        raise ApplicationError("This exercise is no longer available.")
    answer_ids = list(exercise.starter_code.keys())
    edited: list[str] = []
    if notebook is not None:
        try:
            uploaded = read_notebook(notebook)
            release = notebook_from_json(exercise.release_notebook)
            answers, edited = answers_from_notebook(uploaded, release)
        except NotebookError as error:
            raise ApplicationError(str(error)) from None
        payload = notebook.decode("utf-8")
        kind = Submission.Kind.NOTEBOOK
    else:
        answers = {key: value for key, value in (code or {}).items() if key in answer_ids}
        if not answers or not any(value.strip() for value in answers.values()):
            raise ApplicationError("Your code is empty: write your answer before submitting.")
        for value in answers.values():
            if len(value.encode("utf-8")) > MAX_ANSWER_BYTES:
                raise ApplicationError("Your code is larger than 100 KB.")
            if "\x00" in value:
                raise ApplicationError("Your code contains a NUL character.")
        payload = "\n".join(answers.values())
        kind = Submission.Kind.CODE
    with transaction.atomic():
        _lock_learner(user_id=user.pk)
        _check_rate(user=user, exercise=exercise)
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=kind,
            payload=payload,
            answers=answers,
            edited_locked_cells=edited,
        )
        _run_create(submission=submission, number=1, reason="submitted", seed=new_seed())
    return submission


def _run_create(*, submission: Submission, number: int, reason: str, seed: int) -> GradingRun:
    """A new run, sent to the broker if the learner has a free slot, else left waiting. Call
    inside a transaction with the learner locked."""
    queue, message = queue_for(submission.exercise)
    admitted = _free_slots(user_id=submission.user_id) > 0
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
        transaction.on_commit(lambda: enqueue(run))
    return run


def _free_slots(*, user_id: int) -> int:
    """How many more of this learner's runs may enter the broker now (learner locked)."""
    share = settings.GRADING_ACTIVE_PER_LEARNER
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
        _lock_learner(user_id=user_id)
        free = _free_slots(user_id=user_id)
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
            transaction.on_commit(lambda run=run: enqueue(run))  # type: ignore[misc]
    return len(waiting)


def _promote_after_ending(*, run_pk: int) -> None:
    user_id = (
        GradingRun.objects.filter(pk=run_pk).values_list("submission__user_id", flat=True).first()
    )
    if user_id is not None:
        runs_promote_waiting(user_id=user_id)


# The grading task by its registered name: services send work to the task and the task calls
# services, so naming it (Celery's registry, filled by autodiscovery) instead of importing
# grading.tasks keeps the dependency one way (tasks -> services) with no circle.
GRADE_RUN_TASK = "grading.tasks.grade_run"


def enqueue(run: GradingRun) -> None:
    """Send the run's task to the broker. Called after the commit, so the run is already stored
    as queued: if the broker cannot be reached (Celery has retried the publish), the learner is
    not shown an error for a submission that is safe; the watchdog's lost-task rule sends the run
    once the broker is back (GRADING_LOST_AFTER_SECONDS), and the status page says queued."""
    try:
        current_app.tasks[GRADE_RUN_TASK].apply_async(args=(run.pk,), queue=run.queue)
    except kombu.exceptions.OperationalError as error:
        logger.warning(
            "Broker unreachable; run %s stays queued for the watchdog: %s", run.pk, error
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
    try:
        outcome = grade_submission_answers(
            exercise=exercise, answers=run.submission.answers, seed=run.seed
        )
    except GradingInfrastructureError:
        # Back to the line while the task waits for its retry; the task fails the run once its
        # retries are spent (grading_run_give_up), so no run stays queued for ever.
        GradingRun.objects.filter(pk=run_pk, claim_token=token).update(
            status=GradingRun.Status.QUEUED, claimed_at=None, queued_at=Now()
        )
        raise
    feedback = feedback_for(exercise=exercise, outcome=outcome.as_json())
    with transaction.atomic():
        finished = GradingRun.objects.filter(
            pk=run_pk, claim_token=token, status=GradingRun.Status.RUNNING
        ).update(
            status=GradingRun.Status.GRADED,
            points=outcome.points,
            max_points=outcome.max_points,
            feedback=feedback,
            finished_at=timezone.now(),
            exercise_hash=exercise.content_hash,
            status_message=outcome.message,
        )
        if not finished:
            return "lost-claim"
        exercise_score_record(
            user_id=run.submission.user_id,
            module_id=exercise.module_id,
            exercise_slug=exercise.slug,
            points=outcome.points,
            max_points=outcome.max_points,
        )
    _promote_after_ending(run_pk=run_pk)
    return "graded"


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
        source=notebook_from_json(exercise.source_notebook),
        answers=answers,
        limits=limits,
        profile=profile,
        seed=seed,
        data_files={
            name: base64.b64decode(content) for name, content in exercise.data_files.items()
        },
    )


def feedback_for(*, exercise: Exercise, outcome: dict[str, Any]) -> dict[str, Any]:
    """What the learner may see: hidden tests by name, points and the author's hint only."""
    cells = []
    for cell in outcome["cells"]:
        item = {
            "grade_id": cell["grade_id"],
            "points": cell["points"],
            "max_points": cell["max_points"],
            "passed": cell["passed"],
            "hidden": cell["hidden"],
        }
        if cell["hidden"]:
            if not cell["passed"]:
                item["hint"] = exercise.test_hints.get(
                    cell["grade_id"], "A hidden test failed: check edge cases and shapes."
                )
        else:
            item["output"] = cell["output"]
            item["traceback"] = cell["traceback"]
        cells.append(item)
    return {
        "cells": cells,
        "learner_output": outcome["learner_output"],
        "message": outcome["message"],
        "learner_errors": outcome["learner_errors"],
        "timings": outcome.get("timings", {}),
    }


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
        _promote_after_ending(run_pk=run_pk)
    return bool(ended)


def grading_run_give_up(*, run_pk: int, detail: str, condition: Q = UNFINISHED) -> bool:
    """The grader could not grade this run after all its tries: the learner gets a plain
    message, the instructors the reason, and the error log a report."""
    ended = grading_run_fail(
        run_pk=run_pk, message=OUR_SIDE_MESSAGE, detail=detail[-4000:], condition=condition
    )
    if ended:
        logger.error("grading run %s failed on our side and was given up: %s", run_pk, detail)
    return ended


def submission_regrade(
    *, submission: Submission, reason: str = "regrade", fresh_seed: bool = False
) -> GradingRun:
    """A new grading of an existing submission; earlier runs stay as history. It reuses the
    last run's seed (the same hidden inputs, so only the tests or the grader changed) unless
    `fresh_seed` asks for new ones."""
    with transaction.atomic():
        _lock_learner(user_id=submission.user_id)
        last = submission.runs.order_by("-number").first()
        seed = last.seed if last is not None and not fresh_seed else new_seed()
        return _run_create(
            submission=submission,
            number=(last.number if last is not None else 0) + 1,
            reason=reason,
            seed=seed,
        )


def exercise_regrade_all(*, exercise: Exercise, fresh_seed: bool = False) -> int:
    count = 0
    for submission in exercise.submissions.all().iterator():
        submission_regrade(submission=submission, fresh_seed=fresh_seed)
        count += 1
    return count


def runs_requeue_stuck(
    *,
    older_than_seconds: int,
    gpu_wait_seconds: int = 900,
    lost_after_seconds: int | None = None,
    max_requeues: int = MAX_REQUEUES,
) -> int:
    """The watchdog. It sends back to the broker, with a fresh claim token (an old worker that
    comes back can no longer write its result), the runs claimed by a worker that vanished and
    the queued runs whose task the broker lost (queued longer than `lost_after_seconds`, never
    claimed). A run already sent back `max_requeues` times fails instead. GPU-only runs that no
    GPU worker took within the bounded wait fail with a clear reason, and learners with waiting
    runs and free slots get them promoted. Returns how many runs went back to the broker."""
    # The database's clock, as for claimed_at and queued_at: this host's may be off.
    now = Now()
    lost_after = older_than_seconds if lost_after_seconds is None else lost_after_seconds
    stuck = GradingRun.objects.filter(
        status=GradingRun.Status.RUNNING,
        claimed_at__lt=now - timedelta(seconds=older_than_seconds),
    )
    lost = GradingRun.objects.filter(
        status=GradingRun.Status.QUEUED,
        queued_at__lt=now - timedelta(seconds=lost_after),
    )
    if not settings.GRADING_GPU_WORKERS:
        # Nobody consumes that queue: those runs are not lost, they wait for the GPU rule below.
        lost = lost.exclude(queue="grading-gpu")
    requeued = 0
    for run in [*stuck, *lost]:
        # Only the state we read may change: a worker that claims the run in between wins.
        same_state = Q(status=run.status, claim_token=run.claim_token, queued_at=run.queued_at)
        if run.requeues >= max_requeues:
            grading_run_give_up(
                run_pk=run.pk,
                condition=same_state,
                detail=(
                    f"The run was sent to the broker {run.requeues + 1} times "
                    f"({run.deliveries} of them claimed by a worker) and never finished."
                ),
            )
            continue
        updated = GradingRun.objects.filter(same_state, pk=run.pk).update(
            status=GradingRun.Status.QUEUED,
            claim_token=uuid.uuid4(),
            claimed_at=None,
            queued_at=Now(),
            requeues=F("requeues") + 1,
        )
        if updated:
            requeued += 1
            run.refresh_from_db()
            transaction.on_commit(lambda run=run: enqueue(run))  # type: ignore[misc]
    if not settings.GRADING_GPU_WORKERS:
        starved = GradingRun.objects.filter(
            status=GradingRun.Status.QUEUED,
            queue="grading-gpu",
            queued_at__lt=now - timedelta(seconds=gpu_wait_seconds),
        )
        for run_pk in list(starved.values_list("pk", flat=True)):
            grading_run_fail(
                run_pk=run_pk,
                message="No GPU worker became available; this exercise needs a GPU.",
            )
    waiting_learners = (
        GradingRun.objects.filter(status=GradingRun.Status.WAITING)
        .values_list("submission__user_id", flat=True)
        .distinct()
    )
    for user_id in list(waiting_learners):
        runs_promote_waiting(user_id=user_id)
    return requeued


def hint_reveal_next(*, user: Any, exercise: Exercise) -> int:
    """Reveal one more hint (idempotent at the last one). Returns how many are revealed."""
    with transaction.atomic():
        reveal, _ = HintReveal.objects.select_for_update().get_or_create(
            exercise=exercise, user=user
        )
        if reveal.revealed < len(exercise.hints):
            reveal.revealed = F("revealed") + 1
            reveal.save(update_fields=["revealed"])
            reveal.refresh_from_db()
        return reveal.revealed


def draft_save(*, user: Any, exercise: Exercise, code: Any) -> Draft:
    """Store the learner's unsent code for an exercise, replacing their earlier draft.

    `code` comes from the browser: a JSON object of answer grade_id -> code. It is checked as a
    submission's code is (the same size limit, no NUL) so a draft can always be submitted; the
    row is overwritten in place, so saving often never grows the database.
    """
    if not exercise.is_active:
        raise ApplicationError("This exercise is no longer available.")
    if not isinstance(code, dict) or not code:
        raise ApplicationError("A draft is an object of answer cells and their code.")
    answer_ids = set(exercise.starter_code)
    for grade_id, value in code.items():
        if grade_id not in answer_ids:
            raise ApplicationError(
                f"This exercise has no answer cell {str(grade_id)[:100]!r}: reload the page."
            )
        if not isinstance(value, str):
            raise ApplicationError(f"The code of {grade_id!r} is not text.")
        if len(value.encode("utf-8")) > MAX_ANSWER_BYTES:
            raise ApplicationError("Your code is larger than 100 KB.")
        if "\x00" in value:
            raise ApplicationError("Your code contains a NUL character.")
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            user=user, exercise=exercise, defaults={"code": dict(code)}
        )
    return draft
