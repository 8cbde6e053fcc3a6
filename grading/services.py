"""Writes of the grading app: submissions, drafts, regrades, the watchdog, hints.

The life of a grading run: WAITING (the learner already has their share of runs in the broker)
-> QUEUED (sent to the broker, grading/queueing.py) -> RUNNING (claimed by a worker) -> GRADED
or FAILED (grading/execution.py, the step the task runs).
"""

from __future__ import annotations

import functools
import uuid
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext, gettext_noop

from courseware.errors import ApplicationError
from deadlines.selectors import late_refusal
from grading.execution import grading_run_fail, grading_run_give_up
from grading.models import Draft, Exercise, GradingRun, HintReveal, Submission, new_seed
from grading.notebooks import (
    MAX_ANSWER_BYTES,
    NotebookError,
    answers_from_notebook,
    notebook_from_json,
    read_notebook,
)
from grading.queueing import enqueue, lock_learner, run_create, runs_promote_waiting
from grading.rates import SUBMISSIONS, hourly_limit_check
from monitoring.selectors import gpu_workers_alive

# The watchdog sends a run to the broker again at most this many times, then fails it.
MAX_REQUEUES = 3


def submission_create(
    *,
    user: User,
    exercise: Exercise,
    code: dict[str, str] | None = None,
    notebook: bytes | None = None,
) -> Submission:
    """Store a submission exactly as received and queue its first grading."""
    if not exercise.is_active:
        raise ApplicationError(gettext("This exercise is no longer available."))
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
            raise ApplicationError(
                gettext("Your code is empty: write your answer before submitting.")
            )
        for value in answers.values():
            if len(value.encode("utf-8")) > MAX_ANSWER_BYTES:
                raise ApplicationError(gettext("Your code is larger than 100 KB."))
            if "\x00" in value:
                raise ApplicationError(gettext("Your code contains a NUL character."))
        payload = "\n".join(answers.values())
        kind = Submission.Kind.CODE
    refusal = late_refusal(user_id=user.pk, item=exercise)
    if refusal is not None:
        # Refused, and nothing is lost: what was sent becomes the learner's draft.
        if answers:
            draft_save(user=user, exercise=exercise, code=answers)
        raise ApplicationError(
            gettext("%(refusal)s Your code is kept as your draft.") % {"refusal": refusal},
            status_code=403,
        )
    with transaction.atomic():
        lock_learner(user_id=user.pk)
        hourly_limit_check(
            rule=SUBMISSIONS, sent=Submission.objects.filter(user=user, exercise=exercise)
        )
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=kind,
            payload=payload,
            answers=answers,
            edited_locked_cells=edited,
        )
        run_create(submission=submission, number=1, reason="submitted", seed=new_seed())
    return submission


def submission_regrade(
    *, submission: Submission, reason: str = "regrade", fresh_seed: bool = False
) -> GradingRun:
    """A new grading of an existing submission; earlier runs stay as history. It reuses the
    last run's seed (the same hidden inputs, so only the tests or the grader changed) unless
    `fresh_seed` asks for new ones."""
    with transaction.atomic():
        lock_learner(user_id=submission.user_id)
        last = submission.runs.order_by("-number").first()
        seed = last.seed if last is not None and not fresh_seed else new_seed()
        return run_create(
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
    gpu_alive = gpu_workers_alive()
    if not gpu_alive:
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
            transaction.on_commit(functools.partial(enqueue, run))
    if not gpu_alive:
        starved = GradingRun.objects.filter(
            status=GradingRun.Status.QUEUED,
            queue="grading-gpu",
            queued_at__lt=now - timedelta(seconds=gpu_wait_seconds),
        )
        for run_pk in list(starved.values_list("pk", flat=True)):
            grading_run_fail(
                run_pk=run_pk,
                message=gettext_noop("No GPU worker became available; this exercise needs a GPU."),
            )
    waiting_learners = (
        GradingRun.objects.filter(status=GradingRun.Status.WAITING)
        .values_list("submission__user_id", flat=True)
        .distinct()
    )
    for user_id in list(waiting_learners):
        runs_promote_waiting(user_id=user_id)
    return requeued


def hint_reveal_next(*, user: User, exercise: Exercise) -> int:
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


def draft_save(*, user: User, exercise: Exercise, code: object) -> Draft:
    """Store the learner's unsent code for an exercise, replacing their earlier draft.

    `code` comes from the browser: a JSON object of answer grade_id -> code. It is checked as a
    submission's code is (the same size limit, no NUL) so a draft can always be submitted; the
    row is overwritten in place, so saving often never grows the database.
    """
    if not exercise.is_active:
        raise ApplicationError(gettext("This exercise is no longer available."))
    if not isinstance(code, dict) or not code:
        raise ApplicationError(gettext("A draft is an object of answer cells and their code."))
    answer_ids = set(exercise.starter_code)
    for grade_id, value in code.items():
        if grade_id not in answer_ids:
            raise ApplicationError(
                gettext("This exercise has no answer cell %(value)r: reload the page.")
                % {"value": str(grade_id)[:100]}
            )
        if not isinstance(value, str):
            raise ApplicationError(
                gettext("The code of %(grade_id)r is not text.") % {"grade_id": grade_id}
            )
        if len(value.encode("utf-8")) > MAX_ANSWER_BYTES:
            raise ApplicationError(gettext("Your code is larger than 100 KB."))
        if "\x00" in value:
            raise ApplicationError(gettext("Your code contains a NUL character."))
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            user=user, exercise=exercise, defaults={"code": dict(code)}
        )
    return draft
