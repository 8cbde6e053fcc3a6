"""What completing a course takes and how far a learner is.

The rule is course data (`Course.completion_*`, edited on the course settings page). A module is
complete when the learner has read its active lessons (if the rule asks), the module quiz's kept
score reaches the quiz pass mark, and each active exercise's best score reaches the exercise
pass mark; the course is complete when each active module is. One call costs a fixed number of
queries whatever the size of the course.

Exercises belong to the grading app: they are counted here through the ORM relation
`Module.exercises`, so courseware imports nothing of grading.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from courseware.models import Course, ExerciseProgress, Module, Quiz
from courseware.selectors.progress import ModuleProgress, progress_by_user

# Scores are floats 0..1; a kept score of exactly the pass mark passes.
SCORE_EPSILON = 1e-9


@dataclass(frozen=True)
class CompletionRule:
    requires_lessons: bool
    quiz_percent: int
    exercise_percent: int

    @classmethod
    def of(cls, course: Course) -> CompletionRule:
        return cls(
            requires_lessons=course.completion_requires_lessons,
            quiz_percent=course.completion_quiz_percent,
            exercise_percent=course.completion_exercise_percent,
        )


@dataclass(frozen=True)
class ModuleCompletion:
    module: Module
    progress: ModuleProgress
    lessons_required: int  # 0 when the rule does not ask for reading
    quiz: Quiz | None
    quiz_required: float  # the pass mark, 0..1
    exercises_total: int
    exercises_passed: int

    @property
    def lessons_read(self) -> int:
        return self.progress.lessons_read

    @property
    def quiz_score(self) -> float | None:
        return self.progress.quiz_score

    @property
    def lessons_done(self) -> bool:
        return self.progress.lessons_read >= self.lessons_required

    @property
    def quiz_passed(self) -> bool:
        if self.quiz is None:
            return True
        score = self.progress.quiz_score
        return score is not None and score + SCORE_EPSILON >= self.quiz_required

    @property
    def exercises_done(self) -> bool:
        return self.exercises_passed >= self.exercises_total

    @property
    def is_complete(self) -> bool:
        return self.lessons_done and self.quiz_passed and self.exercises_done

    @property
    def steps_total(self) -> int:
        """What the rule asks, counted: each lesson, the quiz, each exercise."""
        return self.lessons_required + (1 if self.quiz else 0) + self.exercises_total

    @property
    def steps_done(self) -> int:
        lessons = min(self.progress.lessons_read, self.lessons_required)
        return lessons + (1 if self.quiz and self.quiz_passed else 0) + self.exercises_passed


@dataclass(frozen=True)
class CourseCompletion:
    course: Course
    rule: CompletionRule
    modules: list[ModuleCompletion]

    @property
    def is_complete(self) -> bool:
        return bool(self.modules) and all(item.is_complete for item in self.modules)

    @property
    def steps_total(self) -> int:
        return sum(item.steps_total for item in self.modules)

    def of_module(self, module: Module) -> ModuleCompletion | None:
        return next((item for item in self.modules if item.module.pk == module.pk), None)

    @property
    def steps_done(self) -> int:
        return sum(item.steps_done for item in self.modules)

    @property
    def lessons_read(self) -> int:
        return sum(item.progress.lessons_read for item in self.modules)

    @property
    def quiz_average(self) -> float | None:
        """The mean kept score over the modules that have a quiz (a missing score counts 0)."""
        scores = [item.progress.quiz_score or 0.0 for item in self.modules if item.quiz]
        return sum(scores) / len(scores) if scores else None

    @property
    def exercise_points(self) -> float:
        return sum(item.progress.exercise_points for item in self.modules)

    @property
    def exercise_max_points(self) -> float:
        return sum(item.progress.exercise_max_points for item in self.modules)


def _active_exercises(course: Course) -> dict[int, dict[str, float]]:
    """Module pk -> {active exercise slug: its points}."""
    rows = Module.objects.filter(
        course=course, is_active=True, exercises__is_active=True
    ).values_list("pk", "exercises__slug", "exercises__max_points")
    catalogue: dict[int, dict[str, float]] = defaultdict(dict)
    for module_pk, slug, max_points in rows:
        catalogue[module_pk][slug] = max_points
    return catalogue


def _passed_exercises(
    *, course: Course, user_id: int, catalogue: dict[int, dict[str, float]], percent: int
) -> dict[int, int]:
    """Module pk -> how many of its active exercises the learner's best score passes."""
    passed: dict[int, int] = defaultdict(int)
    rows = ExerciseProgress.objects.filter(user_id=user_id, module__course=course).values_list(
        "module_id", "exercise_key", "best_points", "max_points"
    )
    for module_pk, key, best, max_points in rows:
        if key not in catalogue.get(module_pk, {}):
            continue  # an exercise since removed from the course
        if best + SCORE_EPSILON >= max_points * percent / 100:
            passed[module_pk] += 1
    return passed


def course_completion(
    *, course: Course, user: Any, progress: list[ModuleProgress] | None = None
) -> CourseCompletion:
    """The course's rule applied to the learner (anonymous: nothing done), module by module;
    `progress` is the learner's, when the caller has read it already (the course page)."""
    user_id = user.pk if user.is_authenticated else 0
    rule = CompletionRule.of(course)
    if progress is None:
        progress = progress_by_user(course=course, user_ids=[user_id])[user_id]
    catalogue = _active_exercises(course)
    passed = _passed_exercises(
        course=course, user_id=user_id, catalogue=catalogue, percent=rule.exercise_percent
    )
    modules = [
        ModuleCompletion(
            module=item.module,
            progress=item,
            lessons_required=item.lessons_total if rule.requires_lessons else 0,
            quiz=item.quiz,
            quiz_required=rule.quiz_percent / 100,
            exercises_total=len(catalogue.get(item.module.pk, {})),
            exercises_passed=passed.get(item.module.pk, 0),
        )
        for item in progress
    ]
    return CourseCompletion(course=course, rule=rule, modules=modules)
