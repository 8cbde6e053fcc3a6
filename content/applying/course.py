"""Write a checked `CoursePlan` into courseware and grading, inside one transaction.

Rows are matched on slugs so learners keep their progress (`content.applying.sync`); the report
says what was added, changed and removed. A lesson, question or quiz that learners have history
on is never deleted: removing it needs `force`, and then it is deactivated. Exercises are written
by grading's import service, which owns their table.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.deletion import ProtectedError

from content.applying.report import ImportReport, Outcome
from content.applying.sync import RowSync, Values, remove_unless_used, row_update
from content.lesson_extras import glossary_apply
from content.plan import CoursePlan, ImportFailed, Progress, progress_silent
from courseware.errors import ApplicationError
from courseware.models import Course, Lesson, LessonRead, Module, Question, QuestionResponse, Quiz
from grading.importing import exercise_sync, exercises_deactivate_missing


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


def _slug_of(slug: str, row: object) -> str:
    return slug


class _Applier:
    def __init__(self, plan: CoursePlan, *, force: bool, progress: Progress):
        self.plan = plan
        self.force = force
        self.progress = progress
        self.report = ImportReport(course_slug=plan.slug)
        self.refusals: list[str] = []

    def apply(self) -> ImportReport:
        plan = self.plan
        courses = RowSync(
            kind="course",
            report=self.report,
            existing={course.slug: course for course in Course.objects.filter(slug=plan.slug)},
            create=lambda slug, values: Course.objects.create(slug=slug, **values),
        )
        course = courses.put(
            plan.slug, plan.slug, {"title": plan.title, "description": plan.description}
        )
        modules = RowSync(
            kind="modules",
            report=self.report,
            existing={module.slug: module for module in course.modules.all()},
            create=lambda slug, values: Module.objects.create(course=course, slug=slug, **values),
        )
        module_rows = {
            module.slug: modules.put(
                module.slug,
                module.slug,
                {"title": module.title, "order": module.order, "is_active": True},
            )
            for module in plan.modules
        }
        self.progress("applying lessons")
        self.lessons_apply(course, module_rows)
        glossary_apply(course=course, glossary=plan.glossary)
        self.progress("applying quizzes")
        self.quizzes_apply(course, module_rows)
        self.exercises_apply(course, module_rows)
        # Last: deactivated lessons, quizzes and exercises may still point at a module.
        modules.remove_missing(self.module_remove, name=_slug_of)
        if self.refusals:
            raise ImportFailed(self.refusals)
        return self.report

    def lessons_apply(self, course: Course, modules: dict[str, Module]) -> None:
        lessons = RowSync(
            kind="lessons",
            report=self.report,
            existing={lesson.slug: lesson for lesson in Lesson.objects.filter(course=course)},
            create=lambda slug, values: Lesson.objects.create(course=course, slug=slug, **values),
        )
        for module in self.plan.modules:
            for plan in module.lessons:
                values: Values = {
                    "module_id": modules[module.slug].pk,
                    "title": plan.title,
                    "source_path": plan.path,
                    "source": plan.source,
                    "html": plan.html,
                    "toc": plan.toc,
                    "text": plan.text,
                    "word_count": plan.word_count,
                    "reading_minutes": plan.reading_minutes,
                    "order": plan.order,
                    "content_hash": plan.content_hash,
                    "objectives": plan.objectives,
                    "checks": plan.checks,
                    "is_active": True,
                }
                lessons.put(plan.slug, plan.slug, values)
        self.refusals += lessons.remove_missing(self.lesson_remove, name=_slug_of)

    def lesson_remove(self, lesson: Lesson) -> str | None:
        readers = LessonRead.objects.filter(lesson=lesson).count()
        refusal = (
            f"lesson {lesson.slug!r} was removed from the course but {readers} learner(s) "
            f"have read it: rerun with --force to deactivate it (their progress is kept)"
        )
        return remove_unless_used(lesson, refusal=refusal if readers else None, force=self.force)

    def quizzes_apply(self, course: Course, modules: dict[str, Module]) -> None:
        quizzes = RowSync(
            kind="quizzes",
            report=self.report,
            existing={quiz.module_id: quiz for quiz in Quiz.objects.filter(module__course=course)},
            create=lambda module_pk, values: Quiz.objects.create(module_id=module_pk, **values),
        )
        questions = RowSync(
            kind="questions",
            report=self.report,
            existing={q.slug: q for q in Question.objects.filter(course=course)},
            create=lambda slug, values: Question.objects.create(course=course, slug=slug, **values),
        )
        for module_plan in self.plan.modules:
            module = modules[module_plan.slug]
            quiz_plan = module_plan.quiz
            if quiz_plan is None:
                continue
            quiz = quizzes.put(
                module.pk,
                module.slug,
                {
                    "title": quiz_plan.title,
                    "source_path": quiz_plan.path,
                    "questions_per_attempt": quiz_plan.questions_per_attempt,
                    "max_attempts": quiz_plan.max_attempts,
                    "cooldown_minutes": quiz_plan.cooldown_minutes,
                    "keep": quiz_plan.keep,
                    "content_hash": quiz_plan.content_hash,
                    "is_active": True,
                },
            )
            for plan in quiz_plan.questions:
                values: Values = {
                    "quiz_id": quiz.pk,
                    "type": plan.type,
                    "spec": plan.spec,
                    "order": plan.order,
                    "content_hash": plan.content_hash,
                    "is_active": True,
                }
                questions.put(plan.slug, plan.slug, values)
        self.refusals += questions.remove_missing(self.question_remove, name=_slug_of)
        self.refusals += quizzes.remove_missing(
            self.quiz_remove, name=lambda module_pk, quiz: quiz.module.slug
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
        for module, spec in specs:
            outcome = exercise_sync(module=module, spec=spec, force=self.force)
            self.report.record("exercises", spec.slug, Outcome(outcome))
        keep = {spec.slug for _, spec in specs}
        try:
            removed = exercises_deactivate_missing(course=course, keep_slugs=keep, force=self.force)
        except ApplicationError as error:
            self.refusals.append(error.message)
            return
        self.report.removed["exercises"].extend(removed)

    @staticmethod
    def module_remove(module: Module) -> None:
        try:
            module.delete()
        except ProtectedError:
            # Deactivated lessons, quiz attempts or exercises still point at it.
            row_update(module, {"is_active": False})
