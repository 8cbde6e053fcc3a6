"""Checking a question bank entry: its keys, options, parameters and answer, before import.

An entry that passes comes back normalized (option ids as strings, a default tolerance), and
its variants are drawn for many seeds so that an answer that fails for some seed is found here,
not by a learner.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from courseware.expressions import FUNCTIONS, ExpressionError, expression_parse
from courseware.questions.answers import DEFAULT_RELATIVE_TOLERANCE
from courseware.questions.variants import question_variant

TYPES = ("single", "multiple", "numeric", "text")
QUESTION_KEYS = {
    "id", "type", "prompt", "options", "explanation", "lesson", "answer", "answers", "pattern",
    "tolerance", "params",
}  # fmt: skip
PARAM_KINDS = ("int", "float", "choice", "ints", "floats", "matrix")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VALIDATION_SEEDS = 30


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _validate_range(name: str, spec: Mapping[str, Any], kind: str, errors: list[str]) -> None:
    bounds = spec[kind]
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(_number(b) for b in bounds)):
        errors.append(f"parameter `{name}`: `{kind}` must be [low, high]")
    elif bounds[0] > bounds[1]:
        errors.append(f"parameter `{name}`: low {bounds[0]} is above high {bounds[1]}")
    elif kind in ("int", "ints", "matrix") and not all(isinstance(b, int) for b in bounds):
        errors.append(f"parameter `{name}`: `{kind}` bounds must be integers")


def _validate_params(params: Any, errors: list[str]) -> dict[str, Any]:
    if not isinstance(params, dict) or not params:
        errors.append("`params` must be a mapping of names to parameter kinds")
        return {}
    allowed_extra = {
        "int": set(),
        "float": {"decimals"},
        "choice": set(),
        "ints": {"size"},
        "floats": {"size", "decimals"},
        "matrix": {"rows", "cols"},
    }
    reserved = {"answer", *FUNCTIONS}
    for name, spec in params.items():
        if not isinstance(name, str) or not name.isidentifier() or name in reserved:
            errors.append(f"parameter name `{name}` is not allowed")
            continue
        kinds = [kind for kind in PARAM_KINDS if isinstance(spec, dict) and kind in spec]
        if len(kinds) != 1:
            errors.append(f"parameter `{name}` needs exactly one kind of {', '.join(PARAM_KINDS)}")
            continue
        kind = kinds[0]
        extra = set(spec) - {kind} - allowed_extra[kind]
        if extra:
            errors.append(f"parameter `{name}`: unknown key(s) {', '.join(sorted(extra))}")
        if kind == "choice":
            choices = spec["choice"]
            if not (isinstance(choices, list) and 1 <= len(choices) <= 100) or not all(
                _number(c) or isinstance(c, str) for c in choices
            ):
                errors.append(f"parameter `{name}`: `choice` must list 1 to 100 numbers or words")
        else:
            _validate_range(name, spec, kind, errors)
        for size_key, limit in (("size", 100), ("rows", 20), ("cols", 20)):
            if size_key in allowed_extra[kind]:
                size = spec.get(size_key)
                if not (isinstance(size, int) and 1 <= size <= limit):
                    errors.append(f"parameter `{name}`: `{size_key}` must be 1 to {limit}")
        if "decimals" in spec and not (
            isinstance(spec["decimals"], int) and 0 <= spec["decimals"] <= 10
        ):
            errors.append(f"parameter `{name}`: `decimals` must be 0 to 10")
    return dict(params)


def _validate_options(question_type: str, options: Any, errors: list[str]) -> list[dict[str, Any]]:
    if not isinstance(options, list) or not 2 <= len(options) <= 26:
        errors.append("`options` must list 2 to 26 options")
        return []
    normalized: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, option in enumerate(options, start=1):
        if not isinstance(option, dict):
            errors.append(f"option {position} must be a mapping with `id` and `text`")
            continue
        extra = set(option) - {"id", "text", "correct"}
        if extra:
            errors.append(f"option {position}: unknown key(s) {', '.join(sorted(extra))}")
        option_id = option.get("id")
        if (
            not isinstance(option_id, str | int)
            or isinstance(option_id, bool)
            or not str(option_id)
        ):
            errors.append(f"option {position} needs an `id`")
            continue
        option_id = str(option_id)
        if option_id in seen:
            errors.append(f"duplicate option id `{option_id}`")
        seen.add(option_id)
        text = option.get("text")
        if not isinstance(text, str | int | float) or not str(text).strip():
            errors.append(f"option `{option_id}` needs a `text`")
            continue
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            errors.append(f"option `{option_id}`: `correct` must be true or false")
        normalized.append({"id": option_id, "text": str(text), "correct": correct is True})
    correct_count = sum(1 for option in normalized if option["correct"])
    if question_type == "single" and correct_count != 1:
        errors.append(
            f"a single-choice question needs exactly one correct option, not {correct_count}"
        )
    if question_type == "multiple" and correct_count < 1:
        errors.append("a multiple-select question needs at least one correct option")
    return normalized


def _validate_tolerance(tolerance: Any, errors: list[str]) -> dict[str, float]:
    if tolerance is None:
        return {"relative": DEFAULT_RELATIVE_TOLERANCE}
    if (
        not isinstance(tolerance, dict)
        or len(tolerance) != 1
        or next(iter(tolerance)) not in ("absolute", "relative")
    ):
        errors.append("`tolerance` must be {absolute: x} or {relative: x}")
        return {"relative": DEFAULT_RELATIVE_TOLERANCE}
    kind, value = next(iter(tolerance.items()))
    if not _number(value) or value < 0:
        errors.append(f"tolerance `{kind}` must be a number >= 0")
        return {"relative": DEFAULT_RELATIVE_TOLERANCE}
    return {kind: float(value)}


def question_spec_validate(
    raw: Any, *, lesson_anchors: Mapping[str, set[str]]
) -> tuple[dict[str, Any] | None, list[str]]:
    """Check one bank entry. Returns the normalized spec (or None) and error messages.

    `lesson_anchors` maps each lesson slug of the course to its heading anchors.
    """
    errors: list[str] = []
    if not isinstance(raw, dict):
        return None, ["a question must be a mapping"]
    unknown = set(raw) - QUESTION_KEYS
    if unknown:
        errors.append(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    question_type = raw.get("type")
    if question_type not in TYPES:
        errors.append(f"`type` must be one of {', '.join(TYPES)}")
        return None, errors
    spec: dict[str, Any] = {"type": question_type}
    for key in ("prompt", "explanation"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"`{key}` is missing or empty")
        spec[key] = value if isinstance(value, str) else ""

    lesson = raw.get("lesson")
    if not isinstance(lesson, str) or not lesson.strip():
        errors.append("`lesson` (the lesson slug, optionally with #anchor) is missing")
    else:
        slug, _, anchor = lesson.strip().partition("#")
        if slug not in lesson_anchors:
            errors.append(f"unknown lesson `{slug}`")
        elif anchor and anchor not in lesson_anchors[slug]:
            errors.append(f"lesson `{slug}` has no heading with the anchor `#{anchor}`")
        spec["lesson"], spec["anchor"] = slug, anchor

    params: dict[str, Any] = {}
    if "params" in raw:
        if question_type not in ("numeric", "text"):
            errors.append("only numeric and text questions can have `params`")
        else:
            params = _validate_params(raw["params"], errors)
            spec["params"] = params

    if question_type in ("single", "multiple"):
        spec["options"] = _validate_options(question_type, raw.get("options"), errors)
        for key in ("answer", "answers", "pattern", "tolerance"):
            if key in raw:
                errors.append(f"`{key}` is not used by {question_type} questions")
    else:
        if "options" in raw:
            errors.append(f"`options` is not used by {question_type} questions")

    if question_type == "numeric":
        answer = raw.get("answer")
        if _number(answer) or isinstance(answer, str) and answer.strip():
            spec["answer"] = answer
            if isinstance(answer, str):
                try:
                    expression_parse(answer, names=set(params))
                except ExpressionError as error:
                    errors.append(f"`answer`: {error}")
        else:
            errors.append("`answer` (a number or an expression) is missing")
        spec["tolerance"] = _validate_tolerance(raw.get("tolerance"), errors)
        for key in ("answers", "pattern"):
            if key in raw:
                errors.append(f"`{key}` is not used by numeric questions")

    if question_type == "text":
        answers = raw.get("answers", [])
        if not isinstance(answers, list) or not all(
            isinstance(a, str | int | float) and not isinstance(a, bool) for a in answers
        ):
            errors.append("`answers` must list accepted answers")
            answers = []
        spec["answers"] = [str(a) for a in answers]
        pattern = raw.get("pattern")
        if pattern is not None:
            if not isinstance(pattern, str):
                errors.append("`pattern` must be a string")
            else:
                try:
                    re.compile(pattern)
                except re.error as error:
                    errors.append(f"`pattern` is not a valid regular expression: {error}")
                spec["pattern"] = pattern
        if "answer" in raw:
            if not params:
                errors.append("`answer` is only used by parameterized text questions")
            else:
                spec["answer"] = raw["answer"]
        if not spec["answers"] and pattern is None and "answer" not in spec:
            errors.append("a text question needs `answers`, `pattern` or both")
        if "tolerance" in raw:
            errors.append("`tolerance` is not used by text questions")

    if errors:
        return None, errors
    errors.extend(_check_variants(spec))
    return (None, errors) if errors else (spec, [])


def _check_variants(spec: Mapping[str, Any]) -> list[str]:
    """Draw variants for many seeds: every one must give a finite answer and format cleanly."""
    seeds = range(VALIDATION_SEEDS) if spec.get("params") else range(1)
    for seed in seeds:
        try:
            variant = question_variant(spec=spec, key="validation", seed=seed)
        except ExpressionError as error:
            return [f"`answer`: {error}"]
        except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:
            return [f"cannot fill in the prompt or explanation: {type(error).__name__}: {error}"]
        if spec["type"] == "numeric" and not _number(variant.answer):
            return [f"`answer` must give a number, not {variant.answer!r}"]
    return []
