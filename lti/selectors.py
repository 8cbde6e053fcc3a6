"""Reads of the LTI app: what a link's target is, what an instructor can link, which score a
learner's line item should hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from courseware.models import Course, ExerciseProgress, Module, Quiz, QuizAttempt
from courseware.selectors.progress import kept_quiz_scores
from courseware.selectors.roster import courses_taught_by
from grading.models import Exercise
from lti.errors import LaunchRefused
from lti.models import Context, ResourceLink


@dataclass(frozen=True)
class Target:
    """What a link opens. `key` is the string kept on the link and sent in deep links."""

    key: str
    title: str
    course: Course
    module: Module | None = None
    quiz: Quiz | None = None
    exercise: Exercise | None = None

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def max_points(self) -> float | None:
        """The line item's maximum, for what is graded; None for what is not."""
        if self.exercise is not None:
            return self.exercise.max_points
        if self.quiz is not None:
            return float(self.quiz.questions_per_attempt)
        return None

    def path(self) -> str:
        if self.exercise is not None:
            return reverse("grading:exercise", args=[self.course.slug, self.exercise.slug])
        if self.quiz is not None and self.module is not None:
            return reverse("courseware:quiz", args=[self.course.slug, self.module.slug])
        if self.module is not None:
            return reverse("courseware:module", args=[self.course.slug, self.module.slug])
        return reverse("courseware:course", args=[self.course.slug])


def _not_found(key: str) -> LaunchRefused:
    return LaunchRefused("unknown-target", f"The linked content {key!r} does not exist in Academy.")


def target_resolve(*, key: str) -> Target:
    """The content a target key names; refused when it names nothing active."""
    kind, _, rest = key.partition(":")
    parts = rest.split("/")
    course = Course.objects.filter(slug=parts[0]).first() if parts[0] else None
    if course is None or kind not in {"course", "module", "quiz", "exercise"}:
        raise _not_found(key)
    if kind == "course" and len(parts) == 1:
        return Target(key=key, title=course.title, course=course)
    if len(parts) < 2:
        raise _not_found(key)
    module = Module.objects.filter(course=course, slug=parts[1], is_active=True).first()
    if module is None:
        raise _not_found(key)
    if kind == "module" and len(parts) == 2:
        return Target(key=key, title=module.title, course=course, module=module)
    if kind == "quiz" and len(parts) == 2:
        quiz = Quiz.objects.filter(module=module, is_active=True).first()
        if quiz is None:
            raise _not_found(key)
        return Target(key=key, title=quiz.title, course=course, module=module, quiz=quiz)
    if kind == "exercise" and len(parts) == 3:
        exercise = Exercise.objects.filter(module=module, slug=parts[2], is_active=True).first()
        if exercise is None:
            raise _not_found(key)
        return Target(
            key=key, title=exercise.title, course=course, module=module, exercise=exercise
        )
    raise _not_found(key)


def targets_of_course(*, course: Course) -> list[Target]:
    """Everything of a course an instructor may place in the LMS, in course order."""
    targets = [Target(key=f"course:{course.slug}", title=course.title, course=course)]
    modules = Module.objects.filter(course=course, is_active=True).order_by("order", "pk")
    quizzes = {q.module_id: q for q in Quiz.objects.filter(module__in=modules, is_active=True)}
    exercises: dict[int, list[Exercise]] = {}
    for exercise in Exercise.objects.filter(module__in=modules, is_active=True).order_by(
        "order", "pk"
    ):
        exercises.setdefault(exercise.module_id, []).append(exercise)
    for module in modules:
        base = f"{course.slug}/{module.slug}"
        targets.append(
            Target(key=f"module:{base}", title=module.title, course=course, module=module)
        )
        quiz = quizzes.get(module.pk)
        if quiz is not None:
            targets.append(
                Target(
                    key=f"quiz:{base}", title=quiz.title, course=course, module=module, quiz=quiz
                )
            )
        for exercise in exercises.get(module.pk, []):
            targets.append(
                Target(
                    key=f"exercise:{base}/{exercise.slug}",
                    title=exercise.title,
                    course=course,
                    module=module,
                    exercise=exercise,
                )
            )
    return targets


def courses_taught(*, user_id: int) -> list[Course]:
    user = get_user_model().objects.get(pk=user_id)
    return list(courses_taught_by(user=user).order_by("title"))


@dataclass(frozen=True)
class KeptScore:
    points: float
    max_points: float


def kept_score(*, link: ResourceLink, user_id: int) -> KeptScore | None:
    """The score the course policy keeps for this learner on the link's quiz or exercise: an
    exercise keeps the best grading (courseware's ExerciseProgress), a quiz its `keep` rule
    (best or last submitted attempt)."""
    if link.exercise_id is not None:
        exercise: Any = link.exercise
        progress = ExerciseProgress.objects.filter(
            user_id=user_id, module_id=exercise.module_id, exercise_key=exercise.slug
        ).first()
        if progress is None or progress.max_points <= 0:
            return None
        return KeptScore(points=progress.best_points, max_points=progress.max_points)
    if link.quiz_id is not None:
        quiz: Any = link.quiz
        found = kept_quiz_scores(user_ids=[user_id], quiz_keep={quiz.pk: quiz.keep}).get(
            (user_id, quiz.pk)
        )
        if found is None:
            return None
        kept = QuizAttempt.objects.get(pk=found.attempt_pk)
        if not kept.max_points:
            return None
        return KeptScore(points=kept.points or 0.0, max_points=kept.max_points)
    return None


def contexts_with_roster(*, course: Course) -> list[Context]:
    """The LMS courses linked to this course that offered a member list."""
    return list(
        Context.objects.filter(course=course)
        .exclude(memberships_url="")
        .select_related("platform")
        .order_by("platform__name", "context_id")
    )
