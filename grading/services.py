"""Writes of the grading app: submissions, claiming and finishing gradings, regrades, hints."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from courseware.errors import ApplicationError
from grading.models import Exercise, GradingRun, HintReveal, Submission
from grading.notebooks import (
    MAX_ANSWER_BYTES,
    NotebookError,
    answers_from_notebook,
    notebook_from_json,
    read_notebook,
)
from grading.pipeline import GradingInfrastructureError, GradingLimits, grade_notebook

logger = logging.getLogger(__name__)


def queue_for(exercise: Exercise) -> tuple[str, str]:
    """The Celery queue for an exercise, and what to tell the learner about it."""
    if exercise.device == Exercise.Device.CPU:
        return "grading", ""
    if settings.GRADING_GPU_WORKERS:
        return "grading-gpu", ""
    if exercise.device == Exercise.Device.PREFER_GPU:
        return "grading", "No GPU worker is available: this exercise is graded on the CPU."
    return "grading-gpu", "Waiting for a GPU worker."


def _check_rate(*, user: Any, exercise: Exercise) -> None:
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
    _check_rate(user=user, exercise=exercise)
    queue, message = queue_for(exercise)
    with transaction.atomic():
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=kind,
            payload=payload,
            answers=answers,
            edited_locked_cells=edited,
        )
        run = GradingRun.objects.create(
            submission=submission, number=1, queue=queue, status_message=message
        )
        transaction.on_commit(lambda: enqueue(run))
    return submission


def enqueue(run: GradingRun) -> None:
    from grading.tasks import grade_run

    grade_run.apply_async(args=(run.pk,), queue=run.queue)


def grading_run_claim(*, run_pk: int, redelivered: bool) -> uuid.UUID | None:
    """Claim a queued run with a conditional UPDATE; a redelivered task may also take over a run
    left 'running' by a worker that died. Returns the claim token, or None if not ours."""
    token = uuid.uuid4()
    now = timezone.now()
    condition = Q(status=GradingRun.Status.QUEUED)
    if redelivered:
        condition |= Q(status=GradingRun.Status.RUNNING)
    claimed = GradingRun.objects.filter(condition, pk=run_pk).update(
        status=GradingRun.Status.RUNNING,
        claim_token=token,
        claimed_at=now,
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
        outcome = grade_submission_answers(exercise=exercise, answers=run.submission.answers)
    except GradingInfrastructureError:
        GradingRun.objects.filter(pk=run_pk, claim_token=token).update(
            status=GradingRun.Status.QUEUED, claimed_at=None
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
        from courseware.services import exercise_score_record

        exercise_score_record(
            user_id=run.submission.user_id,
            module_id=exercise.module_id,
            exercise_slug=exercise.slug,
            points=outcome.points,
            max_points=outcome.max_points,
        )
    return "graded"


def grade_submission_answers(*, exercise: Exercise, answers: dict[str, str]) -> Any:
    from sandbox import get_sandbox

    source = notebook_from_json(exercise.source_notebook)
    use_gpu = exercise.device != Exercise.Device.CPU and settings.SANDBOX_GPUS > 0
    return grade_notebook(
        sandbox=get_sandbox(),
        source=source,
        answers=answers,
        limits=GradingLimits(
            wall_seconds=exercise.wall_seconds,
            memory_mb=exercise.memory_mb,
            gpus=1 if use_gpu else 0,
        ),
        profile="python-gpu" if use_gpu else "python-cpu",
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


def grading_run_fail(*, run_pk: int, message: str) -> None:
    GradingRun.objects.filter(
        pk=run_pk, status__in=[GradingRun.Status.QUEUED, GradingRun.Status.RUNNING]
    ).update(status=GradingRun.Status.FAILED, status_message=message, finished_at=timezone.now())


def submission_regrade(*, submission: Submission, reason: str = "regrade") -> GradingRun:
    """A new grading of an existing submission; earlier runs stay as history."""
    queue, message = queue_for(submission.exercise)
    with transaction.atomic():
        Submission.objects.select_for_update().get(pk=submission.pk)
        number = (submission.runs.aggregate(last=Max("number"))["last"] or 0) + 1
        run = GradingRun.objects.create(
            submission=submission,
            number=number,
            reason=reason,
            queue=queue,
            status_message=message,
        )
        transaction.on_commit(lambda: enqueue(run))
    return run


def exercise_regrade_all(*, exercise: Exercise) -> int:
    count = 0
    for submission in exercise.submissions.all().iterator():
        submission_regrade(submission=submission)
        count += 1
    return count


def runs_requeue_stuck(*, older_than_seconds: int, gpu_wait_seconds: int = 900) -> int:
    """The watchdog: runs claimed by a worker that vanished go back to the queue with a fresh
    claim token (the old worker, if it comes back, can no longer write its result); GPU-only
    runs that no GPU worker took within the bounded wait fail with a clear reason."""
    now = timezone.now()
    stuck = GradingRun.objects.filter(
        status=GradingRun.Status.RUNNING,
        claimed_at__lt=now - timedelta(seconds=older_than_seconds),
    )
    requeued = 0
    for run in stuck:
        updated = GradingRun.objects.filter(
            pk=run.pk, status=GradingRun.Status.RUNNING, claim_token=run.claim_token
        ).update(status=GradingRun.Status.QUEUED, claim_token=uuid.uuid4(), claimed_at=None)
        if updated:
            requeued += 1
            run.refresh_from_db()
            transaction.on_commit(lambda run=run: enqueue(run))  # type: ignore[misc]
    if not settings.GRADING_GPU_WORKERS:
        GradingRun.objects.filter(
            status=GradingRun.Status.QUEUED,
            queue="grading-gpu",
            queued_at__lt=now - timedelta(seconds=gpu_wait_seconds),
        ).update(
            status=GradingRun.Status.FAILED,
            status_message="No GPU worker became available; this exercise needs a GPU.",
            finished_at=now,
        )
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
