"""A module's quiz bank (a YAML file of settings and questions) checked into a `QuizPlan`.

Question errors read `file: question id: what is wrong`; the bank-wide checks of
`content.quiz_checks` run once every question has been read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from content.loading.folder import CourseFolder, content_hash, plain
from content.loading.yaml_lines import LineMapping, LineSequence, line_of
from content.plan import ModulePlan, QuestionPlan, QuizPlan
from content.quiz_checks import choice_citation_errors, length_bias_errors
from courseware.questions import SLUG, question_spec_validate

QUIZ_KEYS = {
    "title",
    "questions_per_attempt",
    "max_attempts",
    "cooldown_minutes",
    "keep",
    "questions",
}


def quiz_load(
    folder: CourseFolder,
    path: Path,
    relative: str,
    module: ModulePlan,
    *,
    anchors: Mapping[str, set[str]],
    question_files: dict[str, str],
) -> QuizPlan | None:
    """The module's quiz; `question_files` holds every question id seen so far in the course."""
    bank = folder.mapping_read(path, relative, "settings and `questions`")
    if bank is None:
        return None
    folder.check_keys(bank, QUIZ_KEYS, relative, "quiz")
    title = bank.get("title", module.title)
    if not isinstance(title, str) or not title.strip():
        folder.error(relative, line_of(bank, "title"), "title must be text")
        title = module.title
    per_attempt = _count(folder, bank, relative, "questions_per_attempt", 5, minimum=1)
    max_attempts = _count(folder, bank, relative, "max_attempts", None, minimum=1, nullable=True)
    cooldown = _count(folder, bank, relative, "cooldown_minutes", 0, minimum=0)
    keep = bank.get("keep", "best")
    if keep not in ("best", "last"):
        folder.error(relative, line_of(bank, "keep"), "keep must be best or last")
    questions_node = bank.get("questions")
    if not isinstance(questions_node, LineSequence) or not questions_node:
        folder.error(relative, line_of(bank, "questions"), "questions: a list is required")
        return None
    questions = _questions_load(folder, relative, questions_node, anchors, question_files)
    for message in length_bias_errors([question.spec for question in questions]):
        folder.errors.append(f"{folder.where(relative)}: {message}")
    if per_attempt.valid and per_attempt.value and len(questions_node) < per_attempt.value:
        folder.error(
            relative,
            line_of(bank, "questions_per_attempt"),
            f"questions_per_attempt is {per_attempt.value} but the bank has only "
            f"{len(questions_node)} questions",
        )
    folder.progress(f"       {module.slug}: {len(questions)} questions in {relative}")
    if (
        per_attempt.value is None
        or cooldown.value is None
        or not (per_attempt.valid and max_attempts.valid and cooldown.valid)
        or not isinstance(keep, str)
    ):
        return None  # its errors are recorded: the course is not applied
    title = title.strip()
    settings = (title, per_attempt.value, max_attempts.value, cooldown.value, keep)
    return QuizPlan(
        path=relative,
        title=title,
        questions_per_attempt=per_attempt.value,
        max_attempts=max_attempts.value,
        cooldown_minutes=cooldown.value,
        keep=keep,
        questions=questions,
        content_hash=content_hash(settings),
    )


@dataclass(frozen=True)
class _Count:
    """An attempt setting: its value when valid (None then only for a nullable one)."""

    valid: bool
    value: int | None


def _count(
    folder: CourseFolder,
    bank: LineMapping,
    relative: str,
    key: str,
    default: int | None,
    *,
    minimum: int,
    nullable: bool = False,
) -> _Count:
    value = bank.get(key, default)
    if nullable and value is None:
        return _Count(valid=True, value=None)
    if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
        return _Count(valid=True, value=value)
    allowed = f"an integer >= {minimum}" + (" or null" if nullable else "")
    folder.error(relative, line_of(bank, key), f"{key} must be {allowed}")
    return _Count(valid=False, value=None)


def _questions_load(
    folder: CourseFolder,
    relative: str,
    questions_node: LineSequence,
    anchors: Mapping[str, set[str]],
    question_files: dict[str, str],
) -> list[QuestionPlan]:
    where = folder.where(relative)
    questions: list[QuestionPlan] = []
    for order, (raw, line) in enumerate(
        zip(questions_node, questions_node.item_lines, strict=True), start=1
    ):
        question_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(question_id, str) or not SLUG.match(question_id):
            folder.errors.append(
                f"{where}: question {order} (line {line}): "
                f"`id` missing or not a slug (lowercase letters, digits, hyphens)"
            )
            continue
        if question_id in question_files:
            folder.errors.append(
                f"{where}: {question_id}: duplicate question id "
                f"(also in {question_files[question_id]})"
            )
            continue
        question_files[question_id] = relative
        if isinstance(raw, LineMapping):
            for key, key_line in raw.duplicates:
                folder.errors.append(
                    f"{where}: {question_id}: duplicate key {key!r} (line {key_line})"
                )
        spec, problems = question_spec_validate(raw, lesson_anchors=anchors)
        if spec is not None:
            problems = choice_citation_errors(spec)
        for message in problems:
            folder.errors.append(f"{where}: {question_id}: {message}")
        if spec is not None:
            questions.append(
                QuestionPlan(
                    slug=question_id,
                    type=spec["type"],
                    spec=plain(spec),
                    order=order,
                    content_hash=content_hash(spec),
                )
            )
    return questions
