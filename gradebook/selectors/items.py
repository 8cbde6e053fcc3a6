"""The gradebook's columns: every graded item of a course, with the weight it carries.

Items per active module, in the module's order: "lessons read" (one item, the share of the
module's lessons read), the module's quiz (its kept score), and each exercise (best points over
its points). Each is named by a key of slugs, stable across re-imports.

Weights: a module's weight (default 1) times the item type's weight (default 1), shared equally
by the items of that type in the module; the course total is the weighted mean of the kept
scores, an item with no score counting 0. A module or type of weight 0 does not count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from courseware.models import Course, Lesson, Module, Quiz
from gradebook.models import CourseWeights
from grading.models import Exercise

LESSONS = "lessons"
QUIZ = "quiz"
EXERCISE = "exercise"
KIND_LABELS = {LESSONS: "Lessons read", QUIZ: "Quiz", EXERCISE: "Exercise"}
ITEM_KINDS = tuple(KIND_LABELS.items())  # (kind, label): the choices of an item's kind


@dataclass(frozen=True)
class TypeWeights:
    lessons: float = 1.0
    quizzes: float = 1.0
    exercises: float = 1.0

    def of(self, kind: str) -> float:
        return {LESSONS: self.lessons, QUIZ: self.quizzes, EXERCISE: self.exercises}[kind]


@dataclass(frozen=True)
class GradeItem:
    """One column. `object_pk` is the quiz's or exercise's pk (the module's for lessons)."""

    key: str
    kind: str
    module: Module
    title: str
    object_pk: int
    weight: float
    lessons_total: int = 0
    exercise_slug: str = ""
    max_points: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.module.title}: {self.title}"


@dataclass(frozen=True)
class CourseItems:
    items: list[GradeItem]
    type_weights: TypeWeights
    module_weights: dict[int, float]

    def by_key(self) -> dict[str, GradeItem]:
        return {item.key: item for item in self.items}

    @property
    def total_weight(self) -> float:
        return sum(item.weight for item in self.items)


def item_key(kind: str, module_slug: str, slug: str = "") -> str:
    return f"{kind}:{module_slug}" + (f":{slug}" if slug else "")


def course_type_weights(*, course: Course) -> TypeWeights:
    row = CourseWeights.objects.filter(course=course).first()
    if row is None:
        return TypeWeights()
    return TypeWeights(lessons=row.lessons, quizzes=row.quizzes, exercises=row.exercises)


def course_items(*, course: Course) -> CourseItems:
    """The course's gradebook columns with their weights, in five queries."""
    type_weights = course_type_weights(course=course)
    modules = list(
        Module.objects.filter(course=course, is_active=True)
        .select_related("grade_weight")
        .order_by("order", "pk")
    )
    module_weights = {
        module.pk: module.grade_weight.weight if hasattr(module, "grade_weight") else 1.0
        for module in modules
    }
    lessons = dict(
        Lesson.objects.filter(course=course, is_active=True, module__is_active=True)
        .values("module_id")
        .annotate(n=Count("pk"))
        .values_list("module_id", "n")
    )
    quizzes = {
        quiz.module_id: quiz for quiz in Quiz.objects.filter(module__course=course, is_active=True)
    }
    exercises: dict[int, list[Exercise]] = defaultdict(list)
    for exercise in Exercise.objects.filter(module__course=course, is_active=True).order_by(
        "order", "pk"
    ):
        exercises[exercise.module_id].append(exercise)

    items: list[GradeItem] = []
    for module in modules:
        share = module_weights[module.pk]
        if lessons.get(module.pk):
            items.append(
                GradeItem(
                    key=item_key(LESSONS, module.slug),
                    kind=LESSONS,
                    module=module,
                    title=KIND_LABELS[LESSONS],
                    object_pk=module.pk,
                    weight=share * type_weights.lessons,
                    lessons_total=lessons[module.pk],
                )
            )
        quiz = quizzes.get(module.pk)
        if quiz is not None:
            items.append(
                GradeItem(
                    key=item_key(QUIZ, module.slug),
                    kind=QUIZ,
                    module=module,
                    title=quiz.title,
                    object_pk=quiz.pk,
                    weight=share * type_weights.quizzes,
                )
            )
        module_exercises = exercises.get(module.pk, [])
        for exercise in module_exercises:
            items.append(
                GradeItem(
                    key=item_key(EXERCISE, module.slug, exercise.slug),
                    kind=EXERCISE,
                    module=module,
                    title=exercise.title,
                    object_pk=exercise.pk,
                    weight=share * type_weights.exercises / len(module_exercises),
                    exercise_slug=exercise.slug,
                    max_points=exercise.max_points,
                )
            )
    return CourseItems(items=items, type_weights=type_weights, module_weights=module_weights)
