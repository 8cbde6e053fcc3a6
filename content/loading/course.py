"""Read and check a whole course folder into a `CoursePlan`, touching no table.

Every file is read and every lesson rendered even after an error, so that one run lists every
problem of the course; the plan is returned only when there is none.
"""

from __future__ import annotations

from pathlib import Path

from content.lesson_extras import glossary_load, lesson_extras_attach
from content.loading.exercises import exercises_load
from content.loading.folder import MANIFEST, CourseFolder
from content.loading.lessons import lesson_anchors, lesson_load
from content.loading.manifest import ModuleEntry, figures_load, modules_load
from content.loading.quizzes import quiz_load
from content.loading.yaml_lines import LineMapping, LineSequence, line_of
from content.plan import CoursePlan, ImportFailed, LessonPlan, Progress, progress_silent
from courseware.questions import SLUG
from courseware.rendering import Figure, GlossaryLink

COURSE_KEYS = {"slug", "title", "description", "modules", "figures"}


def course_load(path: Path, *, progress: Progress | None = None) -> CoursePlan:
    """Read and check a course folder; raise ImportFailed with every error found."""
    folder = CourseFolder(path, progress or progress_silent)
    plan = _course_read(folder)
    if plan is None:
        raise ImportFailed(folder.errors or [f"{path}: cannot be imported"])
    return plan


def _manifest_read(folder: CourseFolder) -> LineMapping | None:
    if not folder.root.is_dir():
        folder.errors.append(f"{folder.display}:1: course folder not found")
        return None
    manifest_path = folder.root / MANIFEST
    if not manifest_path.is_file():
        folder.error(MANIFEST, 1, "missing file (the course manifest)")
        return None
    return folder.mapping_read(manifest_path, MANIFEST, "slug, title and modules")


def _course_read(folder: CourseFolder) -> CoursePlan | None:
    manifest = _manifest_read(folder)
    if manifest is None:
        return None
    folder.check_keys(manifest, COURSE_KEYS, MANIFEST, "course")
    slug = manifest.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        folder.error(MANIFEST, line_of(manifest, "slug"), "course slug missing or not a slug")
    title = manifest.get("title")
    if not isinstance(title, str) or not title.strip():
        folder.error(MANIFEST, line_of(manifest, "title"), "course title missing")
    description = manifest.get("description") or ""
    if not isinstance(description, str):
        folder.error(MANIFEST, line_of(manifest, "description"), "description must be text")
        description = ""
    figures = figures_load(folder, manifest.get("figures"), line_of(manifest, "figures"))
    glossary, glossary_errors = glossary_load(root=folder.root, display=folder.display)
    folder.errors.extend(glossary_errors)
    glossary_links = glossary.links(course_slug=str(slug))
    modules_node = manifest.get("modules")
    if not isinstance(modules_node, LineSequence) or not modules_node:
        folder.error(MANIFEST, line_of(manifest, "modules"), "modules: a list is required")
        return None
    entries = modules_load(folder, modules_node)
    anchors = _lessons_read(folder, entries, figures, glossary_links)
    _quizzes_and_exercises_read(folder, entries, anchors)
    if folder.errors:
        return None
    return CoursePlan(
        slug=str(slug),
        title=str(title).strip(),
        description=description.strip(),
        modules=[entry.plan for entry in entries],
        glossary=glossary,
    )


def _lessons_read(
    folder: CourseFolder,
    entries: list[ModuleEntry],
    figures: dict[str, Figure],
    glossary_links: list[GlossaryLink],
) -> dict[str, set[str]]:
    """Read every lesson into its module's plan; returns the anchors of each lesson slug.

    A lesson whose file has an error is still a known slug: questions that link to it are not
    reported a second time.
    """
    lessons: list[LessonPlan] = []
    anchors: dict[str, set[str]] = {}
    for index, entry in enumerate(entries, start=1):
        module = entry.plan
        folder.progress(f"[{index:>2}/{len(entries)}] {module.slug}: reading lessons")
        for order, lesson_entry in enumerate(entry.lessons, start=1):
            plan = lesson_load(
                folder, lesson_entry, order=order, figures=figures, glossary_links=glossary_links
            )
            if plan:
                module.lessons.append(plan)
                lessons.append(plan)
            anchors[lesson_entry.slug] = lesson_anchors(plan)
    folder.errors.extend(
        lesson_extras_attach(root=folder.root, display=folder.display, lessons=list(lessons))
    )
    return anchors


def _quizzes_and_exercises_read(
    folder: CourseFolder, entries: list[ModuleEntry], anchors: dict[str, set[str]]
) -> None:
    question_files: dict[str, str] = {}
    exercise_slugs: dict[str, int] = {}
    for entry in entries:
        module = entry.plan
        quiz_file = entry.node.get("quiz")
        if quiz_file is not None:
            line = line_of(entry.node, "quiz")
            path = folder.resolve(quiz_file, line, f"module {module.slug!r} quiz")
            if path:
                module.quiz = quiz_load(
                    folder,
                    path,
                    str(quiz_file),
                    module,
                    anchors=anchors,
                    question_files=question_files,
                )
        module.exercises = exercises_load(
            folder, entry.node, module, seen=exercise_slugs, lesson_slugs=set(anchors)
        )
