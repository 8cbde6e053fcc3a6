"""Reads of the grading app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop, ngettext

from courseware.rendering import markdown_fragment
from courseware.selectors.progress import exercise_best_points
from courseware.selectors.roster import teaches_course
from grading.hints import Hint, hints_shown, next_hint_is_solution
from grading.models import Draft, Exercise, GradingRun, HintReveal, PracticeRun, Submission
from grading.prepared import PreparedNotebook
from monitoring.selectors import gpu_workers_alive

# Who a page or an API call is for: request.user as Django types it. The grading views all
# require a signed-in user, which the type cannot say.
Visitor = User | AnonymousUser


def signed_in(user: Visitor) -> User:
    """The signed-in user behind a request that requires one (login_required, the API's
    IsAuthenticated): an anonymous one here is a wiring mistake, refused as a 403."""
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def queue_for(exercise: Exercise) -> tuple[str, str]:
    """The Celery queue for an exercise, and what to tell the learner about it. The GPU queue
    is chosen while a GPU worker is alive (its heartbeat is fresh and its GPU check passed)."""
    if exercise.device == Exercise.Device.CPU:
        return "grading", ""
    if gpu_workers_alive():
        return "grading-gpu", ""
    if exercise.device == Exercise.Device.PREFER_GPU:
        return "grading", gettext_noop(
            "No GPU worker is available: this exercise is graded on the CPU."
        )
    return "grading-gpu", gettext_noop("Waiting for a GPU worker.")


def exercises_for_module(*, module_id: int) -> QuerySet[Exercise]:
    return Exercise.objects.filter(module_id=module_id, is_active=True).order_by("order", "pk")


class ModuleExercise(NamedTuple):
    """A row of a module's exercise list: the exercise and the learner's best score on it
    (None before their first graded submission)."""

    exercise: Exercise
    best_points: float | None


def module_exercises_for(*, module_id: int, user: Visitor | None) -> list[ModuleExercise]:
    """A module's active exercises with the learner's best scores, for the pages that list
    them (the best score is courseware's kept progress: one source for every page)."""
    exercises = list(exercises_for_module(module_id=module_id))
    if not exercises:
        return []
    user_id = user.pk if isinstance(user, User) else None
    best = exercise_best_points(user_id=user_id, module_id=module_id)
    return [ModuleExercise(exercise, best.get(exercise.slug)) for exercise in exercises]


def exercise_get(*, course_slug: str, slug: str) -> Exercise:
    return Exercise.objects.select_related("module__course").get(
        module__course__slug=course_slug, slug=slug, is_active=True
    )


def exercise_prepared_notebook(*, exercise: Exercise) -> PreparedNotebook:
    """What the import prepared of the exercise's notebook for grading: its stored cells and the
    release notebook's stubs (nothing is derived from the notebook again)."""
    return PreparedNotebook.from_stored(cells=exercise.cells, stubs=exercise.starter_code)


def submissions_for_learner(*, user: User, exercise: Exercise, limit: int = 20) -> list[Submission]:
    submissions = list(
        Submission.objects.filter(user=user, exercise=exercise)
        .prefetch_related("runs")
        .order_by("-created_at", "-pk")[:limit]
    )
    return submissions


def latest_run(submission: Submission) -> GradingRun | None:
    runs = list(submission.runs.all())
    return max(runs, key=lambda run: run.number) if runs else None


@dataclass(frozen=True)
class HintsView:
    """The exercise page's hints: those revealed, and what the next one is."""

    shown: list[Hint]
    total: int
    next_is_solution: bool

    @property
    def more(self) -> bool:
        return len(self.shown) < self.total

    @property
    def next_number(self) -> int:
        return len(self.shown) + 1


def hints_revealed(*, user: User, exercise: Exercise) -> HintsView:
    reveal = HintReveal.objects.filter(user=user, exercise=exercise).first()
    count = reveal.revealed if reveal else 0
    return HintsView(
        shown=hints_shown(exercise.hints, revealed=count, render=markdown_fragment),
        total=len(exercise.hints),
        next_is_solution=next_hint_is_solution(exercise.hints, revealed=count),
    )


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
        values = {
            "position": self.position,
            "ahead": self.ahead,
            "share": settings.GRADING_ACTIVE_PER_LEARNER,
        }
        if self.status == GradingRun.Status.QUEUED:
            return (
                ngettext(
                    "Queued: position %(position)s in line (%(ahead)s grading ahead).",
                    "Queued: position %(position)s in line (%(ahead)s gradings ahead).",
                    self.ahead,
                )
                % values
            )
        return (
            ngettext(
                "Waiting: %(ahead)s of your submission ahead. At most %(share)s of your "
                "submissions are graded at a time, so everyone's work is graded promptly.",
                "Waiting: %(ahead)s of your submissions ahead. At most %(share)s of your "
                "submissions are graded at a time, so everyone's work is graded promptly.",
                self.ahead,
            )
            % values
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
    *, user: User, exercise: Exercise, submissions: list[Submission]
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


def run_elapsed_seconds(run: GradingRun | PracticeRun, *, now: datetime) -> int:
    """How long the run has taken so far: running since it was claimed, in line since it was
    queued; for a finished run, the time from its claim (or queueing) to its end."""
    start = run.claimed_at if run.claimed_at is not None else run.queued_at
    if run.status in (GradingRun.Status.QUEUED, GradingRun.Status.WAITING):
        start = run.queued_at
    end = run.finished_at if run.is_finished and run.finished_at is not None else now
    return max(0, int((end - start).total_seconds()))


def submission_visible_to(*, user: Visitor, submission: Submission) -> bool:
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


def practice_latest(*, user: User, exercise: Exercise) -> PracticeRun | None:
    """The learner's latest "run the visible tests" of an exercise, shown on its page."""
    return PracticeRun.objects.filter(user=user, exercise=exercise).order_by("-pk").first()


def practice_get(*, user: User, exercise: Exercise, pk: int) -> PracticeRun:
    """One of the learner's own practice runs (DoesNotExist for anyone else's)."""
    return PracticeRun.objects.get(pk=pk, user=user, exercise=exercise)


def exercise_has_visible_tests(*, exercise: Exercise) -> bool:
    return any(
        cell.kind == "test" and not cell.hidden
        for cell in exercise_prepared_notebook(exercise=exercise).cells
    )


def exercise_next(*, exercise: Exercise) -> Exercise | None:
    """The course's next active exercise after this one: later in its module, else the first of
    a later active module."""
    module = exercise.module
    later = Q(module=module, order__gt=exercise.order) | Q(
        module=module, order=exercise.order, pk__gt=exercise.pk
    )
    later |= Q(module__course_id=module.course_id, module__order__gt=module.order)
    return (
        Exercise.objects.filter(later, is_active=True, module__is_active=True)
        .select_related("module__course")
        .order_by("module__order", "order", "pk")
        .first()
    )


def submissions_to_compare(
    *, user: User, exercise: Exercise, old_pk: int, new_pk: int
) -> tuple[Submission, Submission]:
    """Two submissions of the exercise that `user` may see (DoesNotExist otherwise)."""
    found = {
        submission.pk: submission
        for submission in Submission.objects.filter(
            exercise=exercise, pk__in=[old_pk, new_pk]
        ).select_related("exercise__module__course")
        if submission_visible_to(user=user, submission=submission)
    }
    if old_pk not in found or new_pk not in found:
        raise Submission.DoesNotExist("no such submission")
    return found[old_pk], found[new_pk]


def practice_place(run: PracticeRun) -> RunPlace | None:
    """A queued practice run's place in its broker queue, which it shares with gradings: the
    queued gradings and practice runs that entered it first are ahead of it."""
    if run.status != PracticeRun.Status.QUEUED:
        return None
    gradings = GradingRun.objects.filter(
        status=GradingRun.Status.QUEUED, queue=run.queue, queued_at__lt=run.queued_at
    ).count()
    practices = (
        PracticeRun.objects.filter(status=PracticeRun.Status.QUEUED, queue=run.queue)
        .filter(Q(queued_at__lt=run.queued_at) | Q(queued_at=run.queued_at, pk__lt=run.pk))
        .count()
    )
    return RunPlace(status=GradingRun.Status.QUEUED, ahead=gradings + practices)


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


def submissions_of_user(*, user: User, exercise: Exercise, ordering: str) -> QuerySet[Submission]:
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


def hints_state(*, user: User, exercise: Exercise) -> dict[str, Any]:
    """The hints the learner revealed so far (rendered), and how many the exercise has."""
    view = hints_revealed(user=user, exercise=exercise)
    return {
        "revealed": [
            {"number": hint.number, "html": hint.html, "is_solution": hint.is_solution}
            for hint in view.shown
        ],
        "total": view.total,
    }


def submission_get(*, pk: int) -> Submission | None:
    """A submission with its runs and its exercise's course (check who may see it)."""
    return (
        Submission.objects.select_related("exercise__module__course")
        .prefetch_related("runs")
        .filter(pk=pk)
        .first()
    )
