"""Reads of the grading app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from courseware.selectors.roster import teaches_course
from grading.models import Draft, Exercise, GradingRun, HintReveal, Submission


def exercises_for_module(*, module_id: int) -> QuerySet[Exercise]:
    return Exercise.objects.filter(module_id=module_id, is_active=True).order_by("order", "pk")


def exercise_get(*, course_slug: str, slug: str) -> Exercise:
    return Exercise.objects.select_related("module__course").get(
        module__course__slug=course_slug, slug=slug, is_active=True
    )


def submissions_for_learner(*, user: Any, exercise: Exercise, limit: int = 20) -> list[Submission]:
    submissions = list(
        Submission.objects.filter(user=user, exercise=exercise)
        .prefetch_related("runs")
        .order_by("-created_at", "-pk")[:limit]
    )
    return submissions


def latest_run(submission: Submission) -> GradingRun | None:
    runs = list(submission.runs.all())
    return max(runs, key=lambda run: run.number) if runs else None


def hints_revealed(*, user: Any, exercise: Exercise) -> list[str]:
    reveal = HintReveal.objects.filter(user=user, exercise=exercise).first()
    count = reveal.revealed if reveal else 0
    return list(exercise.hints[:count])


@dataclass(frozen=True)
class RunPlace:
    """Where a run that has not started stands in line, as the learner is told.

    queued: `ahead` gradings (anyone's) entered the same broker queue before it.
    waiting: `ahead` of the same learner's runs go before it (theirs in the broker, then their
    older waiting ones); it enters the broker when one of theirs ends.
    """

    status: str
    ahead: int

    @property
    def position(self) -> int:
        return self.ahead + 1

    @property
    def text(self) -> str:
        if self.status == GradingRun.Status.QUEUED:
            gradings = "grading" if self.ahead == 1 else "gradings"
            return f"Queued: position {self.position} in line ({self.ahead} {gradings} ahead)."
        share = settings.GRADING_ACTIVE_PER_LEARNER
        submissions = "submission" if self.ahead == 1 else "submissions"
        return (
            f"Waiting: {self.ahead} of your {submissions} ahead. At most {share} of your "
            "submissions are graded at a time, so everyone's work is graded promptly."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "ahead": self.ahead,
            "position": self.position,
            "text": self.text,
        }


def _before(run: GradingRun) -> Q:
    """Runs that joined their line before `run` (ties broken by primary key)."""
    return Q(queued_at__lt=run.queued_at) | Q(queued_at=run.queued_at, pk__lt=run.pk)


def run_place(run: GradingRun) -> RunPlace | None:
    """The place in line of a queued or waiting run; None once it runs or has ended."""
    if run.status == GradingRun.Status.QUEUED:
        ahead = (
            GradingRun.objects.filter(status=GradingRun.Status.QUEUED, queue=run.queue)
            .filter(_before(run))
            .count()
        )
        return RunPlace(status=run.status, ahead=ahead)
    if run.status == GradingRun.Status.WAITING:
        learner = Submission.objects.filter(pk=run.submission_id).values_list("user_id")
        mine = GradingRun.objects.filter(submission__user_id__in=learner)
        ahead = mine.filter(
            Q(status__in=[GradingRun.Status.QUEUED, GradingRun.Status.RUNNING])
            | (Q(status=GradingRun.Status.WAITING) & _before(run))
        ).count()
        return RunPlace(status=run.status, ahead=ahead)
    return None


def answers_to_show(
    *, user: Any, exercise: Exercise, submissions: list[Submission]
) -> dict[str, str]:
    """The code the exercise page opens with, per answer cell: the learner's draft or their
    latest submission, whichever is newer (an uploaded notebook is newer than the draft typed
    before it), else the starter code. Cells the exercise no longer has are dropped."""
    shown = dict(exercise.starter_code)
    draft = Draft.objects.filter(user=user, exercise=exercise).first()
    latest = submissions[0] if submissions else None
    if draft is not None and (latest is None or draft.updated_at >= latest.created_at):
        newest = draft.code
    elif latest is not None:
        newest = latest.answers
    else:
        newest = {}
    shown.update({k: v for k, v in newest.items() if k in shown and isinstance(v, str)})
    return shown


def run_elapsed_seconds(run: GradingRun, *, now: datetime) -> int:
    """How long the run has taken so far: running since it was claimed, in line since it was
    queued; for a finished run, the time from its claim (or queueing) to its end."""
    start = run.claimed_at if run.claimed_at is not None else run.queued_at
    if run.status in (GradingRun.Status.QUEUED, GradingRun.Status.WAITING):
        start = run.queued_at
    end = run.finished_at if run.is_finished and run.finished_at is not None else now
    return max(0, int((end - start).total_seconds()))


def submission_visible_to(*, user: Any, submission: Submission) -> bool:
    """The one ownership rule for a submission, for pages and the API alike: its learner, or the
    teaching staff (instructors and TAs) of its course. Global staff get nothing more here."""
    if submission.user_id == user.pk:
        return True
    return teaches_course(user=user, course=submission.exercise.module.course)


def submissions_of_exercise(*, exercise: Exercise, limit: int = 200) -> QuerySet[Submission]:
    """An exercise's submissions for its teaching staff, newest first, with learner and runs."""
    return (
        Submission.objects.filter(exercise=exercise)
        .select_related("user")
        .prefetch_related("runs")
        .order_by("-created_at")[:limit]
    )


def exercise_get_active(*, pk: int) -> Exercise | None:
    """An active exercise by primary key, with its module and course."""
    return Exercise.objects.select_related("module__course").filter(pk=pk, is_active=True).first()


def exercises_of_course(*, course_slug: str, module_slug: str = "") -> QuerySet[Exercise]:
    """A course's active exercises in active modules, in course order; one module's if named."""
    exercises = Exercise.objects.select_related("module__course").filter(
        module__course__slug=course_slug, module__is_active=True, is_active=True
    )
    if module_slug:
        exercises = exercises.filter(module__slug=module_slug)
    return exercises.order_by("module__order", "order", "pk")


def submissions_of_user(*, user: Any, exercise: Exercise, ordering: str) -> QuerySet[Submission]:
    """The learner's own submissions to an exercise, with their runs (for the API's pages)."""
    return (
        Submission.objects.filter(user_id=user.pk, exercise=exercise)
        .prefetch_related("runs")
        .order_by(ordering, "-pk" if ordering.startswith("-") else "pk")
    )


def exercise_submissions(
    *, exercise: Exercise, learner: str = "", ordering: str = "-created_at"
) -> QuerySet[Submission]:
    """Everyone's submissions to an exercise, for its teaching staff; `learner` is a username."""
    submissions = Submission.objects.filter(exercise=exercise)
    if learner:
        submissions = submissions.filter(user__username=learner)
    tie = "-pk" if ordering.startswith("-") else "pk"
    return submissions.select_related("user").prefetch_related("runs").order_by(ordering, tie)


def hints_state(*, user: Any, exercise: Exercise) -> dict[str, Any]:
    """The hints the learner revealed so far, and how many the exercise has."""
    return {
        "revealed": hints_revealed(user=user, exercise=exercise),
        "total": len(exercise.hints),
    }


def submission_get(*, pk: int) -> Submission | None:
    """A submission with its runs and its exercise's course (check who may see it)."""
    return (
        Submission.objects.select_related("exercise__module__course")
        .prefetch_related("runs")
        .filter(pk=pk)
        .first()
    )
