"""A course's lesson extras and glossary: reading, checking and applying them.

Two kinds of file sit next to the lessons (content/AUTHORING.md, "Objectives, check yourself
and glossary"):

- `lessons/<module-folder>/extras.yaml` gives, per lesson slug, 2-4 learning objectives and
  1-2 "check yourself" questions (single or multiple choice, 3-4 options, an explanation).
- `glossary.yaml` at the course root lists the course's terms with a short definition; lessons
  link the first use of each term to its entry on the glossary page.

The importer calls in here with small hooks: `glossary_load` before lessons are rendered (the
renderer links terms), `lesson_extras_attach` once the lessons are loaded, and
`glossary_apply` inside the import transaction. Errors read `file: lesson: message` (or
`file: term: message`), like the other content errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.urls import reverse

from content.quiz_checks import choice_citation_errors, length_bias_errors
from courseware.models import Course, GlossaryTerm
from courseware.rendering import GlossaryLink, markdown_fragment, markdown_inline

EXTRAS_FILE = "extras.yaml"
GLOSSARY_FILE = "glossary.yaml"
OBJECTIVES = (2, 4)
QUESTIONS = (1, 2)
OPTIONS = (3, 4)
QUESTION_TYPES = ("single", "multiple")
LESSON_KEYS = {"objectives", "check"}
QUESTION_KEYS = {"prompt", "type", "options", "explanation"}
OPTION_KEYS = {"text", "correct"}
TERM_KEYS = {"term", "slug", "also", "definition"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LessonWithExtras(Protocol):
    """What of a lesson plan (content.plan.LessonPlan) this module reads and fills in."""

    slug: str
    path: str
    objectives: list[str]
    checks: list[dict[str, Any]]


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    also: tuple[str, ...]
    definition_html: str


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)

    def links(self, *, course_slug: str) -> list[GlossaryLink]:
        """What the renderer needs to link first uses to the course's glossary page."""
        page = reverse("courseware:glossary", kwargs={"course_slug": course_slug})
        return [
            GlossaryLink(
                phrases=(term.term, *term.also), href=f"{page}#term-{term.slug}", title=term.term
            )
            for term in self.terms
        ]


def _load_yaml(path: Path, display: str) -> tuple[Any, list[str]]:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader), []  # noqa: S506
    except UnicodeDecodeError:
        return None, [f"{display}: not UTF-8 text"]
    except yaml.YAMLError as error:
        return None, [f"{display}: malformed YAML: {error}".replace("\n", " ")]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# --------------------------------------------------------------------------- glossary


def glossary_load(*, root: Path, display: str) -> tuple[Glossary, list[str]]:
    """The course's glossary.yaml (an empty glossary when there is none) and its errors."""
    path = root / GLOSSARY_FILE
    where = f"{display}/{GLOSSARY_FILE}"
    if not path.is_file():
        return Glossary(), []
    data, errors = _load_yaml(path, where)
    if errors:
        return Glossary(), errors
    if not isinstance(data, list):
        return Glossary(), [f"{where}: expected a list of terms (term, definition)"]
    glossary = Glossary()
    seen_slugs: set[str] = set()
    seen_phrases: dict[str, str] = {}
    for number, entry in enumerate(data, start=1):
        name = _text(entry.get("term")) if isinstance(entry, dict) else None
        label = name or f"term {number}"
        if not isinstance(entry, dict) or name is None:
            errors.append(f"{where}: {label}: `term` is required")
            continue
        unknown = sorted(set(entry) - TERM_KEYS)
        if unknown:
            errors.append(f"{where}: {label}: unknown key {unknown[0]!r}")
        slug = entry.get("slug") or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            errors.append(f"{where}: {label}: slug {slug!r} is not a slug")
            continue
        if slug in seen_slugs:
            errors.append(f"{where}: {label}: duplicate slug {slug!r}")
            continue
        seen_slugs.add(slug)
        definition = _text(entry.get("definition"))
        if definition is None:
            errors.append(f"{where}: {label}: `definition` is required")
            continue
        also = entry.get("also") or []
        if not isinstance(also, list) or not all(_text(item) for item in also):
            errors.append(f"{where}: {label}: `also` must list other forms of the term")
            continue
        phrases = (name, *(str(item).strip() for item in also))
        clash = next((p for p in phrases if p.lower() in seen_phrases), None)
        if clash is not None:
            errors.append(
                f"{where}: {label}: {clash!r} already names {seen_phrases[clash.lower()]!r}"
            )
            continue
        seen_phrases.update({phrase.lower(): name for phrase in phrases})
        glossary.terms.append(
            Term(
                slug=slug,
                term=name,
                also=phrases[1:],
                definition_html=markdown_fragment(definition),
            )
        )
    return glossary, errors


def glossary_apply(*, course: Course, glossary: Glossary) -> bool:
    """Make the course's glossary rows match the file; return whether anything changed."""
    existing = {term.slug: term for term in GlossaryTerm.objects.filter(course=course)}
    changed = False
    for order, term in enumerate(glossary.terms, start=1):
        values = {"term": term.term, "definition_html": term.definition_html, "order": order}
        row = existing.pop(term.slug, None)
        if row is None:
            GlossaryTerm.objects.create(course=course, slug=term.slug, **values)
            changed = True
        elif any(getattr(row, name) != value for name, value in values.items()):
            GlossaryTerm.objects.filter(pk=row.pk).update(**values)
            changed = True
    if existing:
        GlossaryTerm.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
        changed = True
    return changed


# --------------------------------------------------------------------------- lesson extras


def _module_folders(lessons: list[LessonWithExtras]) -> dict[str, dict[str, LessonWithExtras]]:
    """Module folder (`lessons/01-introduction`) -> the lessons whose file is in it, by slug."""
    folders: dict[str, dict[str, LessonWithExtras]] = {}
    for lesson in lessons:
        folder = str(Path(lesson.path).parent)
        folders.setdefault(folder, {})[lesson.slug] = lesson
    return folders


def _question(raw: Any, where: str) -> tuple[dict[str, Any] | None, list[str]]:
    """One check-yourself question as stored (rendered HTML), or the reasons it is refused."""
    if not isinstance(raw, dict):
        return None, [f"{where}: a question must be a mapping with prompt, type and options"]
    errors = [f"{where}: unknown key {key!r}" for key in sorted(set(raw) - QUESTION_KEYS)]
    prompt, explanation = _text(raw.get("prompt")), _text(raw.get("explanation"))
    if prompt is None:
        errors.append(f"{where}: `prompt` is required")
    if explanation is None:
        errors.append(f"{where}: `explanation` is required (it is shown after answering)")
    kind = raw.get("type", "single")
    if kind not in QUESTION_TYPES:
        errors.append(f"{where}: type must be single or multiple, not {kind!r}")
    options = raw.get("options")
    low, high = OPTIONS
    if not isinstance(options, list) or not low <= len(options) <= high:
        errors.append(f"{where}: give {low}-{high} options")
        return None, errors
    stored_options = []
    for number, option in enumerate(options, start=1):
        text = _text(option.get("text")) if isinstance(option, dict) else None
        if not isinstance(option, dict) or text is None:
            errors.append(f"{where}: option {number}: `text` is required")
            continue
        unknown = sorted(set(option) - OPTION_KEYS)
        if unknown:
            errors.append(f"{where}: option {number}: unknown key {unknown[0]!r}")
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            errors.append(f"{where}: option {number}: `correct` must be true or false")
        stored_options.append({"html": markdown_inline(text), "correct": correct is True})
    if len(stored_options) == len(options) and explanation is not None:
        # The page shuffles these options too: the quiz bank's letter rule applies here.
        spec = {
            "type": kind,
            "explanation": explanation,
            "options": [
                {"id": str(number), "text": str(option["text"])}
                for number, option in enumerate(options, start=1)
            ],
        }
        errors.extend(f"{where}: {message}" for message in choice_citation_errors(spec))
    right = sum(1 for option in stored_options if option["correct"])
    if kind == "single" and right != 1 and len(stored_options) == len(options):
        errors.append(f"{where}: a single-choice question needs exactly one correct option")
    if kind == "multiple" and right == 0:
        errors.append(f"{where}: no option is marked correct")
    if errors or prompt is None or explanation is None:
        return None, errors
    return {
        "type": kind,
        "prompt_html": markdown_fragment(prompt),
        "options": stored_options,
        "explanation_html": markdown_fragment(explanation),
    }, []


def _lesson_extras(
    slug: str, raw: Any, where: str
) -> tuple[tuple[list[str], list[dict[str, Any]]] | None, list[str]]:
    prefix = f"{where}: {slug}"
    if not isinstance(raw, dict):
        return None, [f"{prefix}: expected a mapping with objectives and check"]
    errors = [f"{prefix}: unknown key {key!r}" for key in sorted(set(raw) - LESSON_KEYS)]
    objectives = raw.get("objectives")
    low, high = OBJECTIVES
    if (
        not isinstance(objectives, list)
        or not low <= len(objectives) <= high
        or not all(_text(item) for item in objectives)
    ):
        errors.append(f"{prefix}: give {low}-{high} objectives (non-empty text)")
        objectives = []
    questions = raw.get("check")
    low, high = QUESTIONS
    checks: list[dict[str, Any]] = []
    if not isinstance(questions, list) or not low <= len(questions) <= high:
        errors.append(f"{prefix}: give {low}-{high} check-yourself questions under `check`")
    else:
        for number, question in enumerate(questions, start=1):
            stored, problems = _question(question, f"{prefix}: question {number}")
            errors.extend(problems)
            if stored is not None:
                checks.append({"id": f"check-{number}", **stored})
    if errors:
        return None, errors
    return ([markdown_inline(str(item).strip()) for item in objectives], checks), []


def _file_length_bias(data: dict[Any, Any]) -> list[str]:
    """The quiz bank's length rule over one file's check-yourself questions: a right answer that
    is usually the longest option teaches guessing, not the lesson."""
    specs = []
    for raw in data.values():
        questions = raw.get("check") if isinstance(raw, dict) else None
        for question in questions if isinstance(questions, list) else []:
            options = question.get("options") if isinstance(question, dict) else None
            if not isinstance(options, list) or not all(
                isinstance(option, dict) and isinstance(option.get("text"), str)
                for option in options
            ):
                continue
            specs.append(
                {
                    "type": question.get("type", "single"),
                    "options": [
                        {"text": option["text"], "correct": option.get("correct") is True}
                        for option in options
                    ],
                }
            )
    return length_bias_errors(specs)


def lesson_extras_attach(*, root: Path, display: str, lessons: list[LessonWithExtras]) -> list[str]:
    """Read every module folder's extras.yaml and fill in its lessons; return the errors."""
    errors: list[str] = []
    for folder, by_slug in sorted(_module_folders(lessons).items()):
        path = root / folder / EXTRAS_FILE
        if not path.is_file():
            continue
        where = f"{display}/{folder}/{EXTRAS_FILE}"
        data, problems = _load_yaml(path, where)
        if problems:
            errors.extend(problems)
            continue
        if not isinstance(data, dict):
            errors.append(f"{where}: expected a mapping of lesson slugs")
            continue
        errors.extend(f"{where}: {message}" for message in _file_length_bias(data))
        for slug, raw in data.items():
            lesson = by_slug.get(str(slug))
            if lesson is None:
                known = ", ".join(sorted(by_slug))
                errors.append(f"{where}: {slug}: unknown lesson slug (this folder has: {known})")
                continue
            extras, problems = _lesson_extras(str(slug), raw, where)
            errors.extend(problems)
            if extras is not None:
                lesson.objectives, lesson.checks = extras
    return errors
