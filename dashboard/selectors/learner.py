"""One learner's page for the teaching staff: a timeline of their reads, quiz attempts and
submissions (each with its code, its gradings and a diff against their previous submission to
the same exercise), their extensions and their gradebook row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from courseware.models import Course, Enrolment, LessonRead, QuizAttempt
from deadlines.models import Extension
from deadlines.overview import course_items, extension_item_label
from gradebook.selectors.learner import LearnerGrades, learner_grades
from grading.diffing import CellDiff, code_diff
from grading.models import GradingRun, Submission

TIMELINE_LIMIT = 300  # events per kind on one page: the newest ones

EventKind = Literal["read", "quiz", "submission"]


@dataclass(frozen=True)
class SubmissionEntry:
    submission: Submission
    runs: tuple[GradingRun, ...]
    diff: tuple[CellDiff, ...] | None  # None for the learner's first submission to the exercise

    @property
    def latest_run(self) -> GradingRun | None:
        return self.runs[-1] if self.runs else None


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: EventKind
    title: str
    detail: str = ""
    entry: SubmissionEntry | None = None


@dataclass(frozen=True)
class ExtensionLine:
    extension: Extension
    label: str


@dataclass(frozen=True)
class LearnerPage:
    enrolment: Enrolment
    grades: LearnerGrades
    timeline: list[TimelineEvent]
    extensions: list[ExtensionLine]
    items: list[tuple[str, str]]  # (deadline item key, label) for the extension form
    more: bool  # some events are older than the page shows


def _submission_entries(*, course: Course, user_id: int) -> list[SubmissionEntry]:
    submissions = list(
        Submission.objects.filter(exercise__module__course=course, user_id=user_id)
        .select_related("exercise", "exercise__module")
        .prefetch_related("runs")
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )
    previous: dict[int, Submission] = {}
    entries = []
    for submission in reversed(submissions):  # oldest first, to diff against the one before
        before = previous.get(submission.exercise_id)
        diff = tuple(code_diff(old=before.answers, new=submission.answers)) if before else None
        runs = tuple(sorted(submission.runs.all(), key=lambda run: run.number))
        entries.append(SubmissionEntry(submission=submission, runs=runs, diff=diff))
        previous[submission.exercise_id] = submission
    return entries


def _score_text(run: GradingRun | None) -> str:
    if run is None:
        return "not graded yet"
    if run.status != GradingRun.Status.GRADED:
        return run.get_status_display().lower()
    return f"{run.points or 0:g} of {run.max_points or 0:g} points"


def learner_page(*, course: Course, enrolment: Enrolment) -> LearnerPage:
    user_id = enrolment.user_id
    events: list[TimelineEvent] = []
    reads = (
        LessonRead.objects.filter(lesson__course=course, user_id=user_id)
        .select_related("lesson", "lesson__module")
        .order_by("-read_at")[: TIMELINE_LIMIT + 1]
    )
    attempts = (
        QuizAttempt.objects.filter(quiz__module__course=course, user_id=user_id)
        .select_related("quiz")
        .order_by("-started_at")[: TIMELINE_LIMIT + 1]
    )
    read_list, attempt_list = list(reads), list(attempts)
    more = len(read_list) > TIMELINE_LIMIT or len(attempt_list) > TIMELINE_LIMIT
    for read in read_list[:TIMELINE_LIMIT]:
        events.append(
            TimelineEvent(
                read.read_at, "read", f"Read “{read.lesson.title}”", read.lesson.module.title
            )
        )
    for attempt in attempt_list[:TIMELINE_LIMIT]:
        if attempt.status == QuizAttempt.Status.SUBMITTED:
            detail = f"submitted, {round((attempt.score or 0) * 100)}%"
        else:
            detail = "started, not submitted"
        events.append(
            TimelineEvent(
                attempt.submitted_at or attempt.started_at,
                "quiz",
                f"Quiz “{attempt.quiz.title}”, attempt {attempt.number}",
                detail,
            )
        )
    for entry in _submission_entries(course=course, user_id=user_id):
        submission = entry.submission
        events.append(
            TimelineEvent(
                submission.created_at,
                "submission",
                f"Submission to “{submission.exercise.title}”",
                _score_text(entry.latest_run),
                entry,
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    extensions = [
        ExtensionLine(extension=extension, label=extension_item_label(extension))
        for extension in Extension.objects.filter(course=course, user_id=user_id)
        .select_related("granted_by", "module", "quiz", "exercise")
        .order_by("-pk")
    ]
    return LearnerPage(
        enrolment=enrolment,
        grades=learner_grades(course=course, enrolment=enrolment),
        timeline=events,
        extensions=extensions,
        items=[(row.key, row.label) for row in course_items(course=course)],
        more=more,
    )
