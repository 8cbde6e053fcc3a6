"""Reads of the instructor's deadlines page: the course's items, each with its dates per
cohort, the course's extensions, and the lookup of an item named by a form ("quiz:12").

A fixed number of queries (modules, quizzes, exercises, cohorts, dates, extensions, learners),
whatever the size of the course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404

from courseware.models import Cohort, Course, CourseRole, Enrolment, Module, Quiz
from deadlines.models import CoursePolicy, DueDate, Extension, QuizPolicy
from deadlines.selectors import Item, course_policy, item_key
from grading.models import Exercise

KINDS = {"module": "Module", "quiz": "Quiz", "exercise": "Exercise"}


@dataclass
class ItemRow:
    item: Item
    kind: str  # module, quiz or exercise
    label: str
    default: datetime | None = None
    by_cohort: list[tuple[Cohort, datetime | None]] = field(default_factory=list)
    answer_reveal: str = ""  # a quiz's own choice (blank: the course's)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item.pk}"


@dataclass
class DeadlinesOverview:
    course: Course
    policy: CoursePolicy
    cohorts: list[Cohort]
    rows: list[ItemRow]
    extensions: list[Extension]
    learners: list[Enrolment]

    @property
    def quiz_rows(self) -> list[ItemRow]:
        return [row for row in self.rows if row.kind == "quiz"]


def course_items(*, course: Course) -> list[ItemRow]:
    """The course's active items in course order: each module, then its quiz and exercises."""
    modules = list(Module.objects.filter(course=course, is_active=True).order_by("order", "pk"))
    quizzes = {
        quiz.module_id: quiz
        for quiz in Quiz.objects.filter(module__course=course, is_active=True).select_related(
            "module"
        )
    }
    exercises: dict[int, list[Exercise]] = {}
    for exercise in Exercise.objects.filter(module__course=course, is_active=True).select_related(
        "module"
    ):
        exercises.setdefault(exercise.module_id, []).append(exercise)
    rows: list[ItemRow] = []
    for module in modules:
        rows.append(ItemRow(module, "module", module.title))
        if module.pk in quizzes:
            quiz = quizzes[module.pk]
            rows.append(ItemRow(quiz, "quiz", f"{module.title}: quiz “{quiz.title}”"))
        for exercise in exercises.get(module.pk, []):
            rows.append(
                ItemRow(exercise, "exercise", f"{module.title}: exercise “{exercise.title}”")
            )
    return rows


def deadlines_overview(*, course: Course) -> DeadlinesOverview:
    cohorts = list(Cohort.objects.filter(course=course).order_by("name", "pk"))
    rows = course_items(course=course)
    dates: dict[tuple[tuple[str, int], int | None], datetime] = {}
    for row in DueDate.objects.filter(course=course):
        field_name = next(name for name in KINDS if getattr(row, f"{name}_id") is not None)
        dates[((field_name, getattr(row, f"{field_name}_id")), row.cohort_id)] = row.due_at
    own_choice = dict(
        QuizPolicy.objects.filter(quiz__module__course=course).values_list(
            "quiz_id", "answer_reveal"
        )
    )
    for item_row in rows:
        if item_row.kind == "quiz":
            item_row.answer_reveal = own_choice.get(item_row.item.pk, "")
        key = item_key(item_row.item)
        item_row.default = dates.get((key, None))
        item_row.by_cohort = [(cohort, dates.get((key, cohort.pk))) for cohort in cohorts]
    extensions = list(
        Extension.objects.filter(course=course)
        .select_related("user", "granted_by", "module", "quiz", "exercise")
        .order_by("-granted_at", "pk")
    )
    learners = list(
        Enrolment.objects.filter(
            course=course, role=CourseRole.LEARNER, status=Enrolment.Status.ACTIVE
        )
        .select_related("user", "cohort")
        .order_by("user__username")
    )
    return DeadlinesOverview(
        course=course,
        policy=course_policy(course_id=course.pk),
        cohorts=cohorts,
        rows=rows,
        extensions=extensions,
        learners=learners,
    )


def item_from_key(*, course: Course, key: str) -> Item:
    """The item a form names ("module:3", "quiz:7", "exercise:9"), inside `course` only."""
    kind, _, pk_text = key.partition(":")
    if kind not in KINDS or not pk_text.isdigit():
        raise Http404("No such item")
    pk = int(pk_text)
    found: Item | None
    if kind == "module":
        found = Module.objects.filter(course=course, pk=pk).first()
    elif kind == "quiz":
        found = Quiz.objects.filter(module__course=course, pk=pk).select_related("module").first()
    else:
        found = (
            Exercise.objects.filter(module__course=course, pk=pk).select_related("module").first()
        )
    if found is None:
        raise Http404("No such item")
    return found


def extension_item_label(extension: Extension) -> str:
    if extension.module is not None:
        return f"Module “{extension.module.title}”"
    if extension.quiz is not None:
        return f"Quiz “{extension.quiz.title}”"
    return f"Exercise “{extension.exercise.title}”" if extension.exercise else ""
