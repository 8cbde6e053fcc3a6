"""Import a course folder (content/AUTHORING.md) into courseware, and exercises into grading.

Two phases. `course_load` reads and checks every file and renders every lesson, touching no
table; it returns a plan or a list of errors (`file:line: what is wrong`, or `file: question
id: what is wrong` for quiz questions). `course_import` applies a valid plan in one
transaction, matching rows on slugs so that learners keep their progress, and reports what was
added, changed and removed. A lesson, question or quiz that learners have history on is never
deleted: removing it needs `force`, and then it is deactivated.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models.deletion import ProtectedError

from content.lesson_extras import Glossary, glossary_apply, glossary_load, lesson_extras_attach
from content.quiz_checks import choice_citation_errors, length_bias_errors
from courseware.diagrams import DIAGRAMS
from courseware.errors import ApplicationError
from courseware.models import Course, Lesson, LessonRead, Module, Question, QuestionResponse, Quiz
from courseware.questions import SLUG, question_spec_validate
from courseware.rendering import RENDERER_VERSION, Figure, markdown_render

Progress = Callable[[str], None]

COURSE_KEYS = {"slug", "title", "description", "modules", "figures"}
MODULE_KEYS = {"slug", "title", "lessons", "quiz", "exercises"}
LESSON_KEYS = {"slug", "file"}
QUIZ_KEYS = {
    "title",
    "questions_per_attempt",
    "max_attempts",
    "cooldown_minutes",
    "keep",
    "questions",
}
KINDS = ("course", "modules", "lessons", "quizzes", "questions", "exercises")


class _AnyAnchor(set[str]):
    """The anchors of a lesson that could not be read: every anchor is accepted."""

    def __contains__(self, item: object) -> bool:
        return True


class ImportFailed(Exception):
    """The course cannot be imported; `errors` says why, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --------------------------------------------------------------------------- YAML with lines


class _Mapping(dict[Any, Any]):
    line: int = 1
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class _Sequence(list[Any]):
    line: int = 1
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (about ten times faster), else pure Python.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings and lists remember their line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            if key in mapping:
                mapping.duplicates.append((key, line))
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _Sequence:
    sequence = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _yaml_load(text: str, *, first_line: int = 1) -> tuple[Any, tuple[int, str] | None]:
    """Parse YAML; on error return (None, (line, message)) with the line in the file."""
    try:
        return yaml.load(text, Loader=_LineLoader), None  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = " ".join(part for part in (error.context, error.problem) if part)
        return None, (line, f"malformed YAML: {problem or error}")
    except yaml.YAMLError as error:
        return None, (first_line, f"malformed YAML: {error}")


def _line(node: Any, key: Any = None) -> int:
    if key is not None and isinstance(node, _Mapping):
        return node.key_lines.get(key, node.line)
    return getattr(node, "line", 1)


# --------------------------------------------------------------------------- the plan


@dataclass
class LessonPlan:
    slug: str
    title: str
    path: str
    source: str
    html: str
    toc: list[dict[str, Any]]
    text: str
    word_count: int
    reading_minutes: int
    order: int
    content_hash: str
    objectives: list[str] = field(default_factory=list)  # filled in by content.lesson_extras
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class QuestionPlan:
    slug: str
    type: str
    spec: dict[str, Any]
    order: int
    content_hash: str


@dataclass
class QuizPlan:
    path: str
    title: str
    questions_per_attempt: int
    max_attempts: int | None
    cooldown_minutes: int
    keep: str
    questions: list[QuestionPlan]
    content_hash: str


@dataclass
class ModulePlan:
    slug: str
    title: str
    order: int
    lessons: list[LessonPlan] = field(default_factory=list)
    quiz: QuizPlan | None = None
    exercises: list[Any] = field(default_factory=list)  # grading.importing.ExerciseSpec


@dataclass
class CoursePlan:
    slug: str
    title: str
    description: str
    modules: list[ModulePlan]
    glossary: Glossary = field(default_factory=Glossary)


@dataclass
class ImportReport:
    course_slug: str
    added: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    changed: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    removed: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    @property
    def is_empty(self) -> bool:
        return not any(
            names for table in (self.added, self.changed, self.removed) for names in table.values()
        )

    def lines(self) -> list[str]:
        if self.is_empty:
            return [f"Nothing changed: {self.course_slug} is up to date."]
        lines = []
        for kind in KINDS:
            parts = []
            for verb, table in (
                ("added", self.added),
                ("changed", self.changed),
                ("removed", self.removed),
            ):
                names = table[kind]
                if names:
                    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
                    parts.append(f"{len(names)} {verb} ({shown})")
            if parts:
                lines.append(f"{kind}: " + "; ".join(parts))
        return lines


# --------------------------------------------------------------------------- loading


def _hash(*parts: Any) -> str:
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class _Loader:
    def __init__(self, root: Path, progress: Progress):
        self.root = root
        self.display = str(root).rstrip("/")
        self.progress = progress
        self.errors: list[str] = []

    def where(self, relative: str, line: int | None = None) -> str:
        return f"{self.display}/{relative}" + (f":{line}" if line is not None else "")

    def error(self, relative: str, line: int, message: str) -> None:
        self.errors.append(f"{self.where(relative, line)}: {message}")

    def resolve(self, relative: Any, manifest_line: int, what: str) -> Path | None:
        if not isinstance(relative, str) or not relative.strip():
            self.error("course.yaml", manifest_line, f"{what}: a file path is required")
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            self.error("course.yaml", manifest_line, f"{what}: {relative} is outside the course")
            return None
        if not path.is_file():
            self.error("course.yaml", manifest_line, f"{what}: file not found: {relative}")
            return None
        return path

    def read(self, path: Path, relative: str) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(relative, 1, "not UTF-8 text")
            return None

    def check_keys(self, node: _Mapping, allowed: set[str], relative: str, what: str) -> None:
        for key in node:
            if key not in allowed:
                self.error(relative, _line(node, key), f"{what}: unknown key {key!r}")
        for key, line in node.duplicates:
            self.error(relative, line, f"{what}: duplicate key {key!r}")

    # ---------------------------------------------------------------- course.yaml

    def load(self) -> CoursePlan | None:
        manifest_path = self.root / "course.yaml"
        if not self.root.is_dir():
            self.errors.append(f"{self.display}:1: course folder not found")
            return None
        if not manifest_path.is_file():
            self.error("course.yaml", 1, "missing file (the course manifest)")
            return None
        text = self.read(manifest_path, "course.yaml")
        if text is None:
            return None
        manifest, problem = _yaml_load(text)
        if problem:
            self.error("course.yaml", *problem)
            return None
        if not isinstance(manifest, _Mapping):
            self.error("course.yaml", 1, "expected a mapping with slug, title and modules")
            return None
        self.check_keys(manifest, COURSE_KEYS, "course.yaml", "course")
        slug = manifest.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.error("course.yaml", _line(manifest, "slug"), "course slug missing or not a slug")
        title = manifest.get("title")
        if not isinstance(title, str) or not title.strip():
            self.error("course.yaml", _line(manifest, "title"), "course title missing")
        description = manifest.get("description") or ""
        if not isinstance(description, str):
            self.error("course.yaml", _line(manifest, "description"), "description must be text")
            description = ""
        figures = self.load_figures(manifest.get("figures"), _line(manifest, "figures"))
        glossary, glossary_errors = glossary_load(root=self.root, display=self.display)
        self.errors.extend(glossary_errors)
        self.glossary_links = glossary.links(course_slug=str(slug))
        modules_node = manifest.get("modules")
        if not isinstance(modules_node, _Sequence) or not modules_node:
            self.error("course.yaml", _line(manifest, "modules"), "modules: a list is required")
            return None

        entries = self.load_manifest_modules(modules_node)
        lessons_by_slug: dict[str, LessonPlan] = {}
        modules: list[ModulePlan] = []
        # A lesson whose file has an error is still a known slug: questions that link to it
        # are not reported a second time.
        anchors: dict[str, set[str]] = {}
        for index, (_, module, lessons) in enumerate(entries, start=1):
            self.progress(f"[{index:>2}/{len(entries)}] {module.slug}: reading lessons")
            for order, (lesson_node, lesson_slug, lesson_file) in enumerate(lessons, start=1):
                plan = self.load_lesson(lesson_node, lesson_slug, lesson_file, order, figures)
                if plan:
                    module.lessons.append(plan)
                    lessons_by_slug[plan.slug] = plan
                anchors[lesson_slug] = self.all_ids(plan) if plan else _AnyAnchor()
            modules.append(module)
        self.errors.extend(
            lesson_extras_attach(
                root=self.root, display=self.display, lessons=list(lessons_by_slug.values())
            )
        )
        question_files: dict[str, str] = {}
        exercise_slugs: dict[str, int] = {}
        for module_node, module, _ in entries:
            quiz_file = module_node.get("quiz")
            if quiz_file is not None:
                line = _line(module_node, "quiz")
                path = self.resolve(quiz_file, line, f"module {module.slug!r} quiz")
                if path:
                    module.quiz = self.load_quiz(
                        path, str(quiz_file), module, anchors, question_files
                    )
            module.exercises = self.load_exercises(
                module_node, module, exercise_slugs, set(anchors)
            )
        if self.errors:
            return None
        return CoursePlan(
            slug=str(slug),
            title=str(title).strip(),
            description=description.strip(),
            modules=modules,
            glossary=glossary,
        )

    @staticmethod
    def all_ids(plan: LessonPlan) -> set[str]:
        return set(re.findall(r'<h[1-6] id="([^"]+)"', plan.html))

    def load_figures(self, node: Any, line: int) -> dict[str, Figure]:
        if node is None:
            return {}
        if not isinstance(node, _Mapping):
            self.error("course.yaml", line, "figures: a mapping of figure files is required")
            return {}
        figures: dict[str, Figure] = {}
        for name, value in node.items():
            key_line = _line(node, name)
            if not isinstance(value, _Mapping) or set(value) - {"diagram", "caption"}:
                self.error("course.yaml", key_line, f"figure {name!r}: give diagram and/or caption")
                continue
            diagram = value.get("diagram")
            if diagram is not None and diagram not in DIAGRAMS:
                known = ", ".join(sorted(DIAGRAMS))
                self.error(
                    "course.yaml",
                    key_line,
                    f"figure {name!r}: unknown diagram {diagram!r} (known: {known})",
                )
                continue
            caption = value.get("caption")
            if caption is not None and not isinstance(caption, str):
                self.error("course.yaml", key_line, f"figure {name!r}: caption must be text")
                continue
            figures[str(name)] = Figure(diagram=diagram, caption=caption)
        return figures

    def load_manifest_modules(
        self, modules_node: _Sequence
    ) -> list[tuple[_Mapping, ModulePlan, list[tuple[_Mapping, str, Any]]]]:
        """Check the modules and lesson entries of the manifest (not the lesson files)."""
        entries: list[tuple[_Mapping, ModulePlan, list[tuple[_Mapping, str, Any]]]] = []
        module_lines: dict[str, int] = {}
        lesson_lines: dict[str, int] = {}
        file_lines: dict[str, int] = {}
        for order, (node, item_line) in enumerate(
            zip(modules_node, modules_node.item_lines, strict=True), start=1
        ):
            if not isinstance(node, _Mapping):
                self.error("course.yaml", item_line, "a module must be a mapping")
                continue
            self.check_keys(node, MODULE_KEYS, "course.yaml", "module")
            slug, title = node.get("slug"), node.get("title")
            if not isinstance(slug, str) or not SLUG.match(slug):
                self.error(
                    "course.yaml", _line(node, "slug"), f"module slug {slug!r} is not a slug"
                )
                continue
            if slug in module_lines:
                self.error(
                    "course.yaml",
                    _line(node, "slug"),
                    f"duplicate module slug {slug!r} (first at line {module_lines[slug]})",
                )
                continue
            module_lines[slug] = _line(node, "slug")
            if not isinstance(title, str) or not title.strip():
                self.error("course.yaml", _line(node, "title"), f"module {slug!r}: title missing")
                title = ""
            lessons = node.get("lessons")
            if not isinstance(lessons, _Sequence) or not lessons:
                self.error(
                    "course.yaml",
                    _line(node, "lessons"),
                    f"module {slug!r}: a list of lessons is required",
                )
                lessons = _Sequence()
                lessons.item_lines = []
            checked = []
            for lesson, line in zip(lessons, lessons.item_lines, strict=True):
                if not isinstance(lesson, _Mapping):
                    self.error("course.yaml", line, "a lesson must be a mapping with slug and file")
                    continue
                self.check_keys(lesson, LESSON_KEYS, "course.yaml", "lesson")
                lesson_slug = lesson.get("slug")
                slug_line = _line(lesson, "slug")
                if not isinstance(lesson_slug, str) or not SLUG.match(lesson_slug):
                    self.error(
                        "course.yaml", slug_line, f"lesson slug {lesson_slug!r} is not a slug"
                    )
                    continue
                if lesson_slug in lesson_lines:
                    self.error(
                        "course.yaml",
                        slug_line,
                        f"duplicate lesson slug {lesson_slug!r} "
                        f"(first at line {lesson_lines[lesson_slug]})",
                    )
                    continue
                lesson_lines[lesson_slug] = slug_line
                lesson_file = lesson.get("file")
                if isinstance(lesson_file, str) and lesson_file in file_lines:
                    self.error(
                        "course.yaml",
                        _line(lesson, "file"),
                        f"lesson {lesson_slug!r}: file {lesson_file} is already used "
                        f"at line {file_lines[lesson_file]}",
                    )
                    continue
                if isinstance(lesson_file, str):
                    file_lines[lesson_file] = _line(lesson, "file")
                checked.append((lesson, lesson_slug, lesson_file))
            plan = ModulePlan(slug=slug, title=str(title).strip(), order=order)
            entries.append((node, plan, checked))
        return entries

    # ---------------------------------------------------------------- lessons

    def load_lesson(
        self, node: _Mapping, slug: str, relative: Any, order: int, figures: dict[str, Figure]
    ) -> LessonPlan | None:
        path = self.resolve(relative, _line(node, "file"), f"lesson {slug!r}")
        if path is None:
            return None
        relative = str(relative)
        text = self.read(path, relative)
        if text is None:
            return None
        text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.error(
                relative,
                1,
                "missing front matter: the file must start with ---, a line `title: ...` and ---",
            )
            return None
        closing = next(
            (i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None
        )
        if closing is None:
            self.error(relative, 1, "front matter is not closed by a --- line")
            return None
        front, problem = _yaml_load("\n".join(lines[1:closing]), first_line=2)
        if problem:
            self.error(relative, problem[0], f"front matter: {problem[1]}")
            return None
        if (
            not isinstance(front, _Mapping)
            or not isinstance(front.get("title"), str)
            or not str(front.get("title")).strip()
        ):
            self.error(relative, 2, "front matter: `title` is required")
            return None
        for key in front:
            if key != "title":
                self.error(relative, 1 + _line(front, key), f"front matter: unknown key {key!r}")
        body = "\n".join(lines[closing + 1 :])
        body_first_line = closing + 2
        used_figures = {name: figure for name, figure in figures.items() if name in body}
        rendered = markdown_render(body, figures=used_figures, glossary=self.glossary_links)
        for line, message in rendered.errors:
            self.error(relative, body_first_line + line - 1, message)
        title = str(front["title"]).strip()
        return LessonPlan(
            slug=slug,
            title=title,
            path=relative,
            source=body,
            html=rendered.html,
            toc=rendered.toc,
            text=rendered.text,
            word_count=rendered.word_count,
            reading_minutes=rendered.reading_minutes,
            order=order,
            content_hash=_hash(
                RENDERER_VERSION,
                title,
                body,
                {k: (f.diagram, f.caption) for k, f in used_figures.items()},
            ),
        )

    # ---------------------------------------------------------------- quizzes

    def load_quiz(
        self,
        path: Path,
        relative: str,
        module: ModulePlan,
        anchors: dict[str, set[str]],
        question_files: dict[str, str],
    ) -> QuizPlan | None:
        text = self.read(path, relative)
        if text is None:
            return None
        bank, problem = _yaml_load(text)
        if problem:
            self.error(relative, *problem)
            return None
        if not isinstance(bank, _Mapping):
            self.error(relative, 1, "expected a mapping with settings and `questions`")
            return None
        self.check_keys(bank, QUIZ_KEYS, relative, "quiz")
        title = bank.get("title", module.title)
        if not isinstance(title, str) or not title.strip():
            self.error(relative, _line(bank, "title"), "title must be text")
            title = module.title
        settings: dict[str, Any] = {}
        for key, default, minimum, nullable in (
            ("questions_per_attempt", 5, 1, False),
            ("max_attempts", None, 1, True),
            ("cooldown_minutes", 0, 0, False),
        ):
            value = bank.get(key, default)
            ok = (
                value is None
                if nullable and value is None
                else (isinstance(value, int) and not isinstance(value, bool) and value >= minimum)
            )
            if not ok:
                allowed = f"an integer >= {minimum}" + (" or null" if nullable else "")
                self.error(relative, _line(bank, key), f"{key} must be {allowed}")
            settings[key] = value
        keep = bank.get("keep", "best")
        if keep not in ("best", "last"):
            self.error(relative, _line(bank, "keep"), "keep must be best or last")
        questions_node = bank.get("questions")
        if not isinstance(questions_node, _Sequence) or not questions_node:
            self.error(relative, _line(bank, "questions"), "questions: a list is required")
            return None
        questions: list[QuestionPlan] = []
        for order, (raw, line) in enumerate(
            zip(questions_node, questions_node.item_lines, strict=True), start=1
        ):
            question_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(question_id, str) or not SLUG.match(question_id):
                self.errors.append(
                    f"{self.where(relative)}: question {order} (line {line}): "
                    f"`id` missing or not a slug (lowercase letters, digits, hyphens)"
                )
                continue
            if question_id in question_files:
                self.errors.append(
                    f"{self.where(relative)}: {question_id}: duplicate question id "
                    f"(also in {question_files[question_id]})"
                )
                continue
            question_files[question_id] = relative
            if isinstance(raw, _Mapping):
                for key, key_line in raw.duplicates:
                    self.errors.append(
                        f"{self.where(relative)}: {question_id}: duplicate key "
                        f"{key!r} (line {key_line})"
                    )
            spec, problems = question_spec_validate(raw, lesson_anchors=anchors)
            if spec is not None:
                problems = choice_citation_errors(spec)
            for message in problems:
                self.errors.append(f"{self.where(relative)}: {question_id}: {message}")
            if spec is not None:
                questions.append(
                    QuestionPlan(
                        slug=question_id,
                        type=spec["type"],
                        spec=_plain(spec),
                        order=order,
                        content_hash=_hash(spec),
                    )
                )
        for message in length_bias_errors([question.spec for question in questions]):
            self.errors.append(f"{self.where(relative)}: {message}")
        per_attempt = settings["questions_per_attempt"]
        if isinstance(per_attempt, int) and len(questions_node) < per_attempt:
            self.error(
                relative,
                _line(bank, "questions_per_attempt"),
                f"questions_per_attempt is {per_attempt} but the bank has only "
                f"{len(questions_node)} questions",
            )
        self.progress(f"       {module.slug}: {len(questions)} questions in {relative}")
        plan_settings = (
            str(title).strip(),
            settings["questions_per_attempt"],
            settings["max_attempts"],
            settings["cooldown_minutes"],
            keep,
        )
        return QuizPlan(
            path=relative,
            title=plan_settings[0],
            questions_per_attempt=plan_settings[1],
            max_attempts=plan_settings[2],
            cooldown_minutes=plan_settings[3],
            keep=str(keep),
            questions=questions,
            content_hash=_hash(plan_settings),
        )

    # ---------------------------------------------------------------- exercises

    def load_exercises(
        self, node: _Mapping, module: ModulePlan, seen: dict[str, int], lesson_slugs: set[str]
    ) -> list[Any]:
        slugs = node.get("exercises")
        if slugs is None:
            return []
        line = _line(node, "exercises")
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            self.error("course.yaml", line, f"module {module.slug!r}: exercises must list slugs")
            return []
        try:
            from grading.importing import validate_exercise_folder
        except ImportError:
            self.error("course.yaml", line, "exercises need the grading app, which is missing")
            return []
        specs = []
        for slug in slugs:
            if slug in seen:
                self.error(
                    "course.yaml",
                    line,
                    f"exercise {slug!r} is listed twice (also at line {seen[slug]})",
                )
                continue
            seen[slug] = line
            folder = self.root / "exercises" / slug
            if not SLUG.match(slug) or not folder.is_dir():
                self.error(
                    "course.yaml",
                    line,
                    f"module {module.slug!r}: exercise folder not found: exercises/{slug}",
                )
                continue
            spec, errors = validate_exercise_folder(folder)
            self.errors.extend(errors)
            if spec is None:
                continue
            lesson = str(getattr(spec, "lesson", "") or "")
            if lesson and lesson.partition("#")[0] not in lesson_slugs:
                self.errors.append(
                    f"{folder}/exercise.yaml:{_key_line(folder, 'lesson')}: "
                    f"unknown lesson {lesson!r}"
                )
                continue
            specs.append(spec)
        if specs:
            self.progress(f"       {module.slug}: {len(specs)} exercises")
        return specs


def _key_line(folder: Path, key: str) -> int:
    try:
        lines = (folder / "exercise.yaml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)


def _plain(value: Any) -> Any:
    """The loader's line-aware containers as plain dicts and lists (what JSONField stores)."""
    return json.loads(json.dumps(value))


def course_load(path: Path, *, progress: Progress | None = None) -> CoursePlan:
    """Read and check a course folder; raise ImportFailed with every error found."""
    loader = _Loader(path, progress or (lambda message: None))
    plan = loader.load()
    if plan is None:
        raise ImportFailed(loader.errors or [f"{path}: cannot be imported"])
    return plan


# --------------------------------------------------------------------------- applying


def _update(instance: Any, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save()
    return bool(changed)


class _Applier:
    def __init__(self, plan: CoursePlan, *, force: bool, progress: Progress):
        self.plan = plan
        self.force = force
        self.progress = progress
        self.report = ImportReport(course_slug=plan.slug)
        self.blocked: list[str] = []

    def apply(self) -> ImportReport:
        plan = self.plan
        course, created = Course.objects.get_or_create(
            slug=plan.slug, defaults={"title": plan.title, "description": plan.description}
        )
        if created:
            self.report.added["course"].append(plan.slug)
        elif _update(course, {"title": plan.title, "description": plan.description}):
            self.report.changed["course"].append(plan.slug)
        modules = self.apply_modules(course)
        self.progress("applying lessons")
        self.apply_lessons(course, modules)
        glossary_apply(course=course, glossary=plan.glossary)
        self.progress("applying quizzes")
        self.apply_quizzes(course, modules)
        self.apply_exercises(course, modules)
        self.remove_modules(course)
        if self.blocked:
            raise ImportFailed(self.blocked)
        return self.report

    def apply_modules(self, course: Course) -> dict[str, Module]:
        existing = {module.slug: module for module in course.modules.all()}
        modules: dict[str, Module] = {}
        for plan in self.plan.modules:
            values = {"title": plan.title, "order": plan.order, "is_active": True}
            module = existing.get(plan.slug)
            if module is None:
                module = Module.objects.create(course=course, slug=plan.slug, **values)
                self.report.added["modules"].append(plan.slug)
            elif _update(module, values):
                self.report.changed["modules"].append(plan.slug)
            modules[plan.slug] = module
        return modules

    def apply_lessons(self, course: Course, modules: dict[str, Module]) -> None:
        existing = {lesson.slug: lesson for lesson in Lesson.objects.filter(course=course)}
        wanted: set[str] = set()
        for module_plan in self.plan.modules:
            module = modules[module_plan.slug]
            for plan in module_plan.lessons:
                wanted.add(plan.slug)
                values = {
                    "module_id": module.pk,
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
                lesson = existing.get(plan.slug)
                if lesson is None:
                    Lesson.objects.create(course=course, slug=plan.slug, **values)
                    self.report.added["lessons"].append(plan.slug)
                elif _update(lesson, values):
                    self.report.changed["lessons"].append(plan.slug)
        for slug, lesson in existing.items():
            if slug in wanted or not lesson.is_active:
                continue
            readers = LessonRead.objects.filter(lesson=lesson).count()
            if readers and not self.force:
                self.blocked.append(
                    f"lesson {slug!r} was removed from the course but {readers} learner(s) "
                    f"have read it: rerun with --force to deactivate it (their progress is kept)"
                )
                continue
            if readers:
                _update(lesson, {"is_active": False})
            else:
                lesson.delete()
            self.report.removed["lessons"].append(slug)

    def apply_quizzes(self, course: Course, modules: dict[str, Module]) -> None:
        existing_quizzes = {
            quiz.module_id: quiz for quiz in Quiz.objects.filter(module__course=course)
        }
        existing_questions = {q.slug: q for q in Question.objects.filter(course=course)}
        wanted_questions: set[str] = set()
        for module_plan in self.plan.modules:
            module = modules[module_plan.slug]
            plan = module_plan.quiz
            if plan is None:
                continue
            values = {
                "title": plan.title,
                "source_path": plan.path,
                "questions_per_attempt": plan.questions_per_attempt,
                "max_attempts": plan.max_attempts,
                "cooldown_minutes": plan.cooldown_minutes,
                "keep": plan.keep,
                "content_hash": plan.content_hash,
                "is_active": True,
            }
            quiz = existing_quizzes.get(module.pk)
            if quiz is None:
                quiz = Quiz.objects.create(module=module, **values)
                self.report.added["quizzes"].append(module.slug)
            elif _update(quiz, values):
                self.report.changed["quizzes"].append(module.slug)
            for question_plan in plan.questions:
                wanted_questions.add(question_plan.slug)
                question_values = {
                    "quiz_id": quiz.pk,
                    "type": question_plan.type,
                    "spec": question_plan.spec,
                    "order": question_plan.order,
                    "content_hash": question_plan.content_hash,
                    "is_active": True,
                }
                question = existing_questions.get(question_plan.slug)
                if question is None:
                    Question.objects.create(
                        course=course, slug=question_plan.slug, **question_values
                    )
                    self.report.added["questions"].append(question_plan.slug)
                elif _update(question, question_values):
                    self.report.changed["questions"].append(question_plan.slug)
        for slug, question in existing_questions.items():
            if slug not in wanted_questions and question.is_active:
                self.remove_question(question)
        planned_modules = {modules[m.slug].pk for m in self.plan.modules if m.quiz is not None}
        for module_id, quiz in existing_quizzes.items():
            if module_id not in planned_modules and quiz.is_active:
                self.remove_quiz(quiz)

    def remove_question(self, question: Question) -> None:
        in_use = QuestionResponse.objects.filter(question=question).exists() or any(
            question.pk in attempt_ids
            for attempt_ids in question.quiz.attempts.values_list("question_ids", flat=True)
        )
        if in_use and not self.force:
            self.blocked.append(
                f"question {question.slug!r} was removed from its bank but learners have "
                f"answered it: rerun with --force to deactivate it (their attempts are kept)"
            )
            return
        if in_use:
            _update(question, {"is_active": False})
        else:
            question.delete()
        self.report.removed["questions"].append(question.slug)

    def remove_quiz(self, quiz: Quiz) -> None:
        slug = quiz.module.slug
        if quiz.attempts.exists():
            if not self.force:
                self.blocked.append(
                    f"the quiz of module {slug!r} was removed but learners have attempts: "
                    f"rerun with --force to deactivate it (their attempts are kept)"
                )
                return
            _update(quiz, {"is_active": False})
            quiz.questions.update(is_active=False)
        else:
            quiz.questions.all().delete()
            quiz.delete()
        self.report.removed["quizzes"].append(slug)

    def apply_exercises(self, course: Course, modules: dict[str, Module]) -> None:
        keep: set[str] = set()
        specs = [(modules[m.slug], spec) for m in self.plan.modules for spec in m.exercises]
        try:
            from grading.importing import exercise_sync, exercises_deactivate_missing
        except ImportError:
            if specs:
                raise
            return
        if specs:
            self.progress(f"applying {len(specs)} exercises")
        for module, spec in specs:
            keep.add(spec.slug)
            outcome = exercise_sync(module=module, spec=spec, force=self.force)
            if outcome in ("added", "changed"):
                getattr(self.report, outcome)["exercises"].append(spec.slug)
        try:
            removed = exercises_deactivate_missing(course=course, keep_slugs=keep, force=self.force)
        except ApplicationError as error:
            self.blocked.append(error.message)
            return
        self.report.removed["exercises"].extend(removed)

    def remove_modules(self, course: Course) -> None:
        wanted = {plan.slug for plan in self.plan.modules}
        for module in course.modules.filter(is_active=True).exclude(slug__in=wanted):
            try:
                module.delete()
            except ProtectedError:
                # Deactivated lessons, quiz attempts or exercises still point at it.
                _update(module, {"is_active": False})
            self.report.removed["modules"].append(module.slug)


def course_apply(
    *,
    plan: CoursePlan,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Apply a checked plan in one transaction (rolled back for a dry run)."""
    with transaction.atomic():
        report = _Applier(plan, force=force, progress=progress or (lambda message: None)).apply()
        if dry_run:
            transaction.set_rollback(True)
    return report


def course_import(
    *, path: Path, force: bool = False, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Check the course folder, then apply it in one transaction (rolled back for a dry run).

    Raises ImportFailed with every problem, leaving the database as it was.
    """
    plan = course_load(path, progress=progress)
    return course_apply(plan=plan, force=force, dry_run=dry_run, progress=progress)
