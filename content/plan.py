"""The plain, typed data a course folder is read into before any table is touched.

`content.loading` reads and checks the folder into a `CoursePlan`; `content.applying` writes a
plan into the courseware and grading tables. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from content.lesson_extras import Glossary
from grading.importing import ExerciseSpec

Progress = Callable[[str], None]


def progress_silent(message: str) -> None:
    """The progress callback used when the caller gives none."""


class ImportFailed(Exception):
    """The course cannot be imported; `errors` says why, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


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
    exercises: list[ExerciseSpec] = field(default_factory=list)


@dataclass
class CoursePlan:
    slug: str
    title: str
    description: str
    modules: list[ModulePlan]
    glossary: Glossary = field(default_factory=Glossary)
