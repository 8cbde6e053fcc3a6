"""course.yaml's figures and its module and lesson entries, checked (the files they name are
read later, by `content.loading.lessons` and `content.loading.quizzes`)."""

from __future__ import annotations

from dataclasses import dataclass

from content.loading.folder import MANIFEST, CourseFolder
from content.loading.yaml_lines import LineMapping, LineSequence, empty_sequence, line_of
from content.plan import ModulePlan
from courseware.diagrams import DIAGRAMS
from courseware.questions import SLUG
from courseware.rendering import Figure

MODULE_KEYS = {"slug", "title", "lessons", "quiz", "exercises"}
LESSON_KEYS = {"slug", "file"}


@dataclass
class LessonEntry:
    """One lesson of the manifest: its slug is checked, its file not yet read."""

    node: LineMapping
    slug: str
    file: object


@dataclass
class ModuleEntry:
    """One module of the manifest, with the plan its lessons, quiz and exercises go into."""

    node: LineMapping
    plan: ModulePlan
    lessons: list[LessonEntry]


def figures_load(folder: CourseFolder, node: object, line: int) -> dict[str, Figure]:
    if node is None:
        return {}
    if not isinstance(node, LineMapping):
        folder.error(MANIFEST, line, "figures: a mapping of figure files is required")
        return {}
    figures: dict[str, Figure] = {}
    for name, value in node.items():
        key_line = line_of(node, name)
        if not isinstance(value, LineMapping) or set(value) - {"diagram", "caption"}:
            folder.error(MANIFEST, key_line, f"figure {name!r}: give diagram and/or caption")
            continue
        diagram = value.get("diagram")
        if diagram is not None and diagram not in DIAGRAMS:
            known = ", ".join(sorted(DIAGRAMS))
            folder.error(
                MANIFEST, key_line, f"figure {name!r}: unknown diagram {diagram!r} (known: {known})"
            )
            continue
        caption = value.get("caption")
        if caption is not None and not isinstance(caption, str):
            folder.error(MANIFEST, key_line, f"figure {name!r}: caption must be text")
            continue
        figures[str(name)] = Figure(diagram=diagram, caption=caption)
    return figures


class _Seen:
    """The line where each module slug, lesson slug and lesson file was first given."""

    def __init__(self) -> None:
        self.modules: dict[str, int] = {}
        self.lessons: dict[str, int] = {}
        self.files: dict[str, int] = {}


def modules_load(folder: CourseFolder, modules_node: LineSequence) -> list[ModuleEntry]:
    """Check the modules and lesson entries of the manifest (not the lesson files)."""
    entries: list[ModuleEntry] = []
    seen = _Seen()
    for order, (node, item_line) in enumerate(
        zip(modules_node, modules_node.item_lines, strict=True), start=1
    ):
        if not isinstance(node, LineMapping):
            folder.error(MANIFEST, item_line, "a module must be a mapping")
            continue
        folder.check_keys(node, MODULE_KEYS, MANIFEST, "module")
        slug, title = node.get("slug"), node.get("title")
        if not isinstance(slug, str) or not SLUG.match(slug):
            folder.error(MANIFEST, line_of(node, "slug"), f"module slug {slug!r} is not a slug")
            continue
        if slug in seen.modules:
            folder.error(
                MANIFEST,
                line_of(node, "slug"),
                f"duplicate module slug {slug!r} (first at line {seen.modules[slug]})",
            )
            continue
        seen.modules[slug] = line_of(node, "slug")
        if not isinstance(title, str) or not title.strip():
            folder.error(MANIFEST, line_of(node, "title"), f"module {slug!r}: title missing")
            title = ""
        lessons = node.get("lessons")
        if not isinstance(lessons, LineSequence) or not lessons:
            folder.error(
                MANIFEST,
                line_of(node, "lessons"),
                f"module {slug!r}: a list of lessons is required",
            )
            lessons = empty_sequence()
        plan = ModulePlan(slug=slug, title=str(title).strip(), order=order)
        entries.append(ModuleEntry(node, plan, _lessons_load(folder, lessons, seen)))
    return entries


def _lessons_load(folder: CourseFolder, lessons: LineSequence, seen: _Seen) -> list[LessonEntry]:
    checked = []
    for lesson, line in zip(lessons, lessons.item_lines, strict=True):
        if not isinstance(lesson, LineMapping):
            folder.error(MANIFEST, line, "a lesson must be a mapping with slug and file")
            continue
        folder.check_keys(lesson, LESSON_KEYS, MANIFEST, "lesson")
        lesson_slug = lesson.get("slug")
        slug_line = line_of(lesson, "slug")
        if not isinstance(lesson_slug, str) or not SLUG.match(lesson_slug):
            folder.error(MANIFEST, slug_line, f"lesson slug {lesson_slug!r} is not a slug")
            continue
        if lesson_slug in seen.lessons:
            folder.error(
                MANIFEST,
                slug_line,
                f"duplicate lesson slug {lesson_slug!r} "
                f"(first at line {seen.lessons[lesson_slug]})",
            )
            continue
        seen.lessons[lesson_slug] = slug_line
        lesson_file = lesson.get("file")
        if isinstance(lesson_file, str) and lesson_file in seen.files:
            folder.error(
                MANIFEST,
                line_of(lesson, "file"),
                f"lesson {lesson_slug!r}: file {lesson_file} is already used "
                f"at line {seen.files[lesson_file]}",
            )
            continue
        if isinstance(lesson_file, str):
            seen.files[lesson_file] = line_of(lesson, "file")
        checked.append(LessonEntry(lesson, lesson_slug, lesson_file))
    return checked
