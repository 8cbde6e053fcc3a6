""" "Run the visible tests": quick feedback on the visible test cells, not a graded submission.

A practice run goes through the same pipeline as a grading (the learner sandbox, the test
sandbox and the relay between them: learner code is as hostile here as anywhere), but against a
copy of the source notebook without its hidden test cells, so hidden tests never run and nothing
about them can show. It writes no Submission, no GradingRun and no progress; it has its own
hourly limit (settings.GRADING_PRACTICE_RUNS_PER_HOUR). The code it ran is saved as the learner's
draft, so the page reopens with it.

Life of a run: QUEUED -> RUNNING (claimed by a conditional UPDATE) -> GRADED or FAILED.
"""

from __future__ import annotations

import base64
import copy
import logging
import uuid
from datetime import timedelta
from typing import Any

from celery import current_app
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from nbformat import NotebookNode

from courseware.errors import ApplicationError
from grading.execution import grading_limits_for, run_outcome_record
from grading.models import Exercise, PracticeRun
from grading.notebooks import BEGIN_HIDDEN, nbgrader_metadata, notebook_from_json
from grading.pipeline import GradingInfrastructureError, grade_notebook
from grading.queueing import lock_learner
from grading.rates import PRACTICE_RUNS, hourly_limit_check
from grading.selectors import queue_for
from grading.services import draft_save
from sandbox import Sandbox, get_sandbox

logger = logging.getLogger(__name__)

# Queued by its registered name, as gradings are (see grading.services.GRADE_RUN_TASK).
PRACTICE_RUN_TASK = "grading.tasks.practice_run"
# Stored in English, shown in the reader's language (the result template translates them).
STALE_MESSAGE = gettext_noop(
    "The visible tests did not finish (the grader lost this run). Run them again; nothing was "
    "recorded."
)
GAVE_UP_MESSAGE = gettext_noop(
    "We could not run the visible tests because of a problem on our side, not because of your "
    "code. Try again in a moment; submitting for grading works as usual."
)


def practice_notebook(source: NotebookNode) -> NotebookNode:
    """The source notebook without its hidden test cells (those holding a hidden-tests block):
    what a practice run grades against. Setup, answer and visible test cells stay as they are."""
    notebook = copy.deepcopy(source)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not (
            cell.cell_type == "code"
            and nbgrader_metadata(cell).get("grade")
            and not nbgrader_metadata(cell).get("solution")
            and BEGIN_HIDDEN in cell.source
        )
    ]
    return notebook


def practice_run_create(*, user: User, exercise: Exercise, code: Any) -> PracticeRun:
    """Check `code` (answer grade_id -> code) as a draft is checked, keep it as the learner's
    draft, and queue a run of the visible tests on it."""
    if not isinstance(code, dict) or not any(
        isinstance(value, str) and value.strip() for value in code.values()
    ):
        raise ApplicationError(
            gettext("Your code is empty: write your answer before running the tests.")
        )
    with transaction.atomic():
        draft = draft_save(user=user, exercise=exercise, code=code)
        lock_learner(user_id=user.pk)
        hourly_limit_check(
            rule=PRACTICE_RUNS, sent=PracticeRun.objects.filter(user=user, exercise=exercise)
        )
        queue, message = queue_for(exercise)
        run = PracticeRun.objects.create(
            exercise=exercise,
            user=user,
            answers=draft.code,
            queue=queue,
            status_message=message,
        )
        transaction.on_commit(lambda: practice_enqueue(run))
    return run


def practice_enqueue(run: PracticeRun) -> None:
    current_app.tasks[PRACTICE_RUN_TASK].apply_async(args=(run.pk,), queue=run.queue)


def practice_run_execute(*, practice_pk: int, sandbox: Sandbox | None = None) -> str:
    """Run the visible tests of one practice run end to end. Returns what happened."""
    token = uuid.uuid4()
    claimed = PracticeRun.objects.filter(pk=practice_pk, status=PracticeRun.Status.QUEUED).update(
        status=PracticeRun.Status.RUNNING, claim_token=token, claimed_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    run = PracticeRun.objects.select_related("exercise").get(pk=practice_pk)
    exercise = run.exercise
    limits, profile = grading_limits_for(exercise=exercise)
    try:
        outcome = grade_notebook(
            sandbox=sandbox if sandbox is not None else get_sandbox(),
            source=practice_notebook(notebook_from_json(exercise.source_notebook)),
            answers=run.answers,
            limits=limits,
            profile=profile,
            seed=run.seed,
            data_files={
                name: base64.b64decode(content) for name, content in exercise.data_files.items()
            },
        )
    except GradingInfrastructureError:
        # Back to the line for the task's retry; practice_run_give_up ends it once they are spent.
        PracticeRun.objects.filter(pk=practice_pk, claim_token=token).update(
            status=PracticeRun.Status.QUEUED, claimed_at=None
        )
        raise
    finished = run_outcome_record(
        run=PracticeRun.objects.filter(pk=practice_pk),
        token=token,
        outcome=outcome,
        exercise=exercise,
    )
    return "graded" if finished else "lost-claim"


def practice_run_give_up(*, practice_pk: int, detail: str) -> bool:
    """End a practice run the grader could not finish: a plain message for the learner, the
    reason for the logs. Returns whether this call ended it."""
    ended = (
        PracticeRun.objects.filter(pk=practice_pk)
        .exclude(status__in=[PracticeRun.Status.GRADED, PracticeRun.Status.FAILED])
        .update(
            status=PracticeRun.Status.FAILED,
            status_message=GAVE_UP_MESSAGE,
            failure_detail=detail[-4000:],
            finished_at=timezone.now(),
        )
    )
    if ended:
        logger.error("practice run %s failed on our side: %s", practice_pk, detail)
    return bool(ended)


def practice_runs_fail_stale(*, running_seconds: int, queued_seconds: int) -> int:
    """The watchdog's share for practice runs: one claimed longer than `running_seconds` ago
    (its worker vanished) or queued longer than `queued_seconds` ago (the broker lost it) ends
    as FAILED, so the page stops waiting. A practice run is cheap to redo and records nothing,
    so it is not sent again. Returns how many ended."""
    now = timezone.now()
    stale = PracticeRun.objects.filter(
        Q(
            status=PracticeRun.Status.RUNNING,
            claimed_at__lt=now - timedelta(seconds=running_seconds),
        )
        | Q(status=PracticeRun.Status.QUEUED, queued_at__lt=now - timedelta(seconds=queued_seconds))
    )
    return stale.update(
        status=PracticeRun.Status.FAILED, status_message=STALE_MESSAGE, finished_at=now
    )
