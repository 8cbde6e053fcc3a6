"""Write a checked `CoursePlan` into courseware and grading, inside one transaction.

Rows are matched on slugs so learners keep their progress (`content.applying.sync`); the report
says what was added, changed and removed. A lesson, question or quiz that learners have history
on is never deleted: removing it needs `force`, and then it is deactivated. An exercise is never
deleted either: one learners have submitted to needs `force`, and every removed one is
deactivated. Grading says what an exercise row holds (`grading.importing.exercise_values`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.deletion import ProtectedError

from content.applying.report import ImportReport
from content.applying.sync import Row, RowSync, Values, remove_unless_used, row_update
from content.lesson_extras import glossary_apply
from content.plan import CoursePlan, ImportFailed, Progress, progress_silent
from courseware.models import Course, Lesson, LessonRead, Module, Question, QuestionResponse, Quiz
from grading.importing import exercise_values
from grading.models import Exercise


def course_apply(
    *,
    plan: CoursePlan,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Apply a checked plan in one transaction (rolled back for a dry run).

    Raises ImportFailed, writing nothing, when a removal needs `force` and it was not given.
    """
    with transaction.atomic():
        report = _Applier(plan, force=force, progress=progress or progress_silent).apply()
        if dry_run:
            transaction.set_rollback(True)
    return report


# The fields each kind copies from its plan, named as on the model; `_fields` adds the rest.
LESSON_FIELDS = (
    "title",
    "source",
    "html",
    "toc",
    "text",
    "word_count",
    "reading_minutes",
    "order",
    "content_hash",
    "objectives",
    "checks",
)
QUIZ_FIELDS = (
    "title",
    "questions_per_attempt",
    "max_attempts",
    "cooldown_minutes",
    "keep",
    "content_hash",
)
QUESTION_FIELDS = ("type", "spec", "order", "content_hash")


def _fields(plan: object, names: tuple[str, ...], **extra: object) -> Values:
    """The values of a plan's row: its named fields, `extra` ones, and is_active (imported)."""
    values: Values = {name: getattr(plan, name) for name in names}
    return values | extra | {"is_active": True}


class _Applier:
    def __init__(self, plan: CoursePlan, *, force: bool, progress: Progress):
        self.plan = plan
        self.force = force
        self.progress = progress
        self.report = ImportReport(course_slug=plan.slug)
        self.refusals: list[str] = []

    def course_rows(self, model: type[Row], kind: str, course: Course) -> RowSync[Row]:
        """The sync of rows that belong to the course and are matched on their slug."""
        rows = model._default_manager.filter(course=course)
        return RowSync(
            model, kind=kind, report=self.report, rows=rows, create_with={"course": course}
        )

    def apply(self) -> ImportReport:
        plan = self.plan
        courses = RowSync(
            Course, kind="course", report=self.report, rows=Course.objects.filter(slug=plan.slug)
        )
        course = courses.put(
            plan.slug, plan.slug, {"title": plan.title, "description": plan.description}
        )
        modules = self.course_rows(Module, "modules", course)
        module_rows = {
            module.slug: modules.put(module.slug, module.slug, _fields(module, ("title", "order")))
            for module in plan.modules
        }
        self.progress("applying lessons")
        self.lessons_apply(course, module_rows)
        glossary_apply(course=course, glossary=plan.glossary)
        self.progress("applying quizzes")
        self.quizzes_apply(course, module_rows)
        self.exercises_apply(course, module_rows)
        # Last: deactivated lessons, quizzes and exercises may still point at a module.
        modules.remove_missing(self.module_remove)
        if self.refusals:
            raise ImportFailed(self.refusals)
        return self.report

    def lessons_apply(self, course: Course, modules: dict[str, Module]) -> None:
        lessons = self.course_rows(Lesson, "lessons", course)
        for module in self.plan.modules:
            for plan in module.lessons:
                values = _fields(
                    plan, LESSON_FIELDS, module_id=modules[module.slug].pk, source_path=plan.path
                )
                lessons.put(plan.slug, plan.slug, values)
        self.refusals += lessons.remove_missing(self.lesson_remove)

    def lesson_remove(self, lesson: Lesson) -> str | None:
        readers = LessonRead.objects.filter(lesson=lesson).count()
        refusal = (
            f"lesson {lesson.slug!r} was removed from the course but {readers} learner(s) "
            f"have read it: rerun with --force to deactivate it (their progress is kept)"
        )
        return remove_unless_used(lesson, refusal=refusal if readers else None, force=self.force)

    def quizzes_apply(self, course: Course, modules: dict[str, Module]) -> None:
        quizzes = RowSync(
            Quiz,
            kind="quizzes",
            report=self.report,
            rows=Quiz.objects.filter(module__course=course),
            key="module_id",
        )
        questions = self.course_rows(Question, "questions", course)
        for module_plan in self.plan.modules:
            module = modules[module_plan.slug]
            quiz_plan = module_plan.quiz
            if quiz_plan is None:
                continue
            quiz = quizzes.put(
                module.pk, module.slug, _fields(quiz_plan, QUIZ_FIELDS, source_path=quiz_plan.path)
            )
            for plan in quiz_plan.questions:
                values = _fields(plan, QUESTION_FIELDS, quiz_id=quiz.pk)
                questions.put(plan.slug, plan.slug, values)
        self.refusals += questions.remove_missing(self.question_remove)
        self.refusals += quizzes.remove_missing(
            self.quiz_remove, name=lambda quiz: quiz.module.slug
        )

    def question_remove(self, question: Question) -> str | None:
        in_use = QuestionResponse.objects.filter(question=question).exists() or any(
            question.pk in attempt_ids
            for attempt_ids in question.quiz.attempts.values_list("question_ids", flat=True)
        )
        refusal = (
            f"question {question.slug!r} was removed from its bank but learners have "
            f"answered it: rerun with --force to deactivate it (their attempts are kept)"
        )
        return remove_unless_used(question, refusal=refusal if in_use else None, force=self.force)

    def quiz_remove(self, quiz: Quiz) -> str | None:
        refusal = (
            f"the quiz of module {quiz.module.slug!r} was removed but learners have attempts: "
            f"rerun with --force to deactivate it (their attempts are kept)"
        )
        return remove_unless_used(
            quiz,
            refusal=refusal if quiz.attempts.exists() else None,
            force=self.force,
            dependents=quiz.questions.all(),
        )

    def exercises_apply(self, course: Course, modules: dict[str, Module]) -> None:
        specs = [(modules[m.slug], spec) for m in self.plan.modules for spec in m.exercises]
        if specs:
            self.progress(f"applying {len(specs)} exercises")
        exercises = RowSync(
            Exercise,
            kind="exercises",
            report=self.report,
            rows=Exercise.objects.filter(module__course=course),
        )
        for module, spec in specs:
            exercises.put(spec.slug, spec.slug, exercise_values(spec=spec, module_pk=module.pk))
        kept = exercises.remove_missing(self.exercise_remove)
        if kept:
            self.refusals.append(
                "These exercises have submissions; rerun with --force to remove them "
                "(their history is kept): " + ", ".join(kept)
            )

    def exercise_remove(self, exercise: Exercise) -> str | None:
        """Deactivate an exercise the course no longer has (never delete it: its submissions
        and drafts stay). One with submissions needs force: then its slug is returned, and the
        refusals are said together."""
        if exercise.submissions.exists() and not self.force:
            return exercise.slug
        row_update(exercise, {"is_active": False})
        return None

    @staticmethod
    def module_remove(module: Module) -> None:
        try:
            module.delete()
        except ProtectedError:
            # Deactivated lessons, quiz attempts or exercises still point at it.
            row_update(module, {"is_active": False})
