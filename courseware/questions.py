"""The quiz question engine: validate a bank entry, draw a learner's variant, score answers.

A question's `spec` (stored on `Question`) holds its answer. Nothing in this module that builds
what a learner sees before submission (`question_public`) reads the answer fields; the answer
and explanation come out only through `question_result`, after submission.

Variants follow PrairieLearn's idea: every parameter is drawn from a generator seeded with the
attempt's seed, the question id and the parameter name, so a reload shows the same numbers,
another attempt or learner gets other numbers, and editing one parameter leaves the others.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from courseware.errors import ApplicationError
from courseware.expressions import (
    FUNCTIONS,
    ExpressionError,
    expression_evaluate,
    expression_parse,
)
from courseware.rendering import markdown_fragment, markdown_inline

TYPES = ("single", "multiple", "numeric", "text")
QUESTION_KEYS = {
    "id", "type", "prompt", "options", "explanation", "lesson", "answer", "answers", "pattern",
    "tolerance", "params",
}  # fmt: skip
PARAM_KINDS = ("int", "float", "choice", "ints", "floats", "matrix")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TEXT_ANSWER_BYTES = 10 * 1024
MAX_NUMBER_INPUT = 100
# Author patterns are matched only against short answers, so no pattern can take long.
MAX_PATTERN_INPUT = 200
VALIDATION_SEEDS = 30
DEFAULT_RELATIVE_TOLERANCE = 1e-6
PARTIAL_CREDIT_RULE = (
    "Select every correct option. Score: (correct options chosen − wrong options chosen) ÷ "
    "number of correct options, never below 0."
)


@dataclass(frozen=True)
class Variant:
    """One learner's instance of a question: its parameter values, answer and texts."""

    params: dict[str, Any]
    answer: Any  # numeric: a number; text: a string or None; choice types: None
    prompt: str
    explanation: str


# --------------------------------------------------------------------------- parameters


def _rng(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256(":".join([str(seed), *parts]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _round(value: float, decimals: int) -> float:
    rounded = round(value, decimals)
    return rounded + 0.0  # no -0.0


def params_draw(params: Mapping[str, Mapping[str, Any]], *, seed: int, key: str) -> dict[str, Any]:
    """Draw every parameter's value for this seed and question key."""
    values: dict[str, Any] = {}
    for name, spec in params.items():
        rng = _rng(seed, key, name)
        decimals = int(spec.get("decimals", 2))
        if "int" in spec:
            low, high = spec["int"]
            values[name] = rng.randint(int(low), int(high))
        elif "float" in spec:
            low, high = spec["float"]
            values[name] = _round(rng.uniform(float(low), float(high)), decimals)
        elif "choice" in spec:
            values[name] = rng.choice(list(spec["choice"]))
        elif "ints" in spec:
            low, high = spec["ints"]
            size = int(spec["size"])
            values[name] = np.array([rng.randint(int(low), int(high)) for _ in range(size)])
        elif "floats" in spec:
            low, high = spec["floats"]
            size = int(spec["size"])
            values[name] = np.array(
                [_round(rng.uniform(float(low), float(high)), decimals) for _ in range(size)]
            )
        elif "matrix" in spec:
            low, high = spec["matrix"]
            rows, cols = int(spec["rows"]), int(spec["cols"])
            values[name] = np.array(
                [[rng.randint(int(low), int(high)) for _ in range(cols)] for _ in range(rows)]
            )
    return values


class _Vector(list[Any]):
    """A parameter vector as shown in text: `[1, 2, 3]`; a format spec applies per element."""

    def __format__(self, spec: str) -> str:
        return "[" + ", ".join(format(item, spec) for item in self) + "]"


def _display(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _Vector(_display(item) for item in value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return _Vector(_display(item) for item in value)
    return value


class _SafeFormatter(string.Formatter):
    """str.format for author texts: `{name}`, `{name[0]}`, `{answer:.3f}`; no attribute access."""

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if "." in field_name:
            raise ValueError(f"attribute access is not allowed in `{{{field_name}}}`")
        return super().get_field(field_name, args, kwargs)


_formatter = _SafeFormatter()


def _format(text: str, values: Mapping[str, Any]) -> str:
    return _formatter.vformat(text, (), {name: _display(v) for name, v in values.items()})


def question_variant(*, spec: Mapping[str, Any], key: str, seed: int) -> Variant:
    """The variant of a question for an attempt seed (`key` is the question's id)."""
    params = params_draw(spec.get("params") or {}, seed=seed, key=key)
    answer: Any = None
    if spec["type"] == "numeric":
        answer = expression_evaluate(spec["answer"], params)
    elif spec["type"] == "text" and "answer" in spec:
        answer = str(expression_evaluate(spec["answer"], params))
    prompt, explanation = spec["prompt"], spec["explanation"]
    if spec.get("params"):
        values = {**params, "answer": answer}
        prompt, explanation = _format(prompt, values), _format(explanation, values)
    return Variant(params=params, answer=answer, prompt=prompt, explanation=explanation)


# --------------------------------------------------------------------------- validation


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


# --------------------------------------------------------------------------- answers


def normalize_text(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def _public_ids(spec: Mapping[str, Any], option_order: Sequence[str] | None) -> dict[str, str]:
    """Option id as authored -> the letter a learner sees (its position in this attempt).

    Learners never see authored ids: a bank that tends to call the right option `a` would
    otherwise give the answer away.
    """
    by_id = [option["id"] for option in spec["options"]]
    order = [o for o in (option_order or []) if o in by_id]
    order += [o for o in by_id if o not in order]
    return {option_id: _letter(position) for position, option_id in enumerate(order)}


def _letter(position: int) -> str:
    return string.ascii_lowercase[position]


def answer_clean(
    *, spec: Mapping[str, Any], raw: Any, option_order: Sequence[str] | None = None
) -> Any:
    """Check a learner's answer to one question; return what is stored, or raise.

    Choice answers come as the letters shown in this attempt and are stored as authored ids.
    None (or an empty string or list) clears the answer.
    """
    question_type = spec["type"]
    if raw is None or raw == "" or raw == []:
        return None
    texts = raw if isinstance(raw, list) else [raw]
    if any(isinstance(text, str) and not _storable(text) for text in texts):
        raise ApplicationError(
            "The answer contains a character that cannot be stored "
            "(a NUL or an unpaired surrogate)."
        )
    if question_type in ("single", "multiple"):
        by_letter = {letter: o for o, letter in _public_ids(spec, option_order).items()}
        chosen = [raw] if isinstance(raw, str) else raw
        if question_type == "single" and not isinstance(raw, str):
            raise ApplicationError("A single-choice answer is one option id.")
        if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
            raise ApplicationError("A multiple-select answer is a list of option ids.")
        if any(item not in by_letter for item in chosen):
            raise ApplicationError("That option is not one of this question's options.")
        if question_type == "single":
            return by_letter[raw]
        picked = {by_letter[item] for item in chosen}
        return [option["id"] for option in spec["options"] if option["id"] in picked]
    if question_type == "numeric":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ApplicationError("Enter a number, such as 0.25 or 1e-3.")
        if isinstance(raw, str):
            text = raw.strip().replace("−", "-")
            if not text:
                return None
            if len(text) > MAX_NUMBER_INPUT:
                raise ApplicationError("That number is too long.")
            try:
                value = float(text)
            except ValueError:
                raise ApplicationError(
                    f"“{text[:40]}” is not a number. Enter a number, such as 0.25 or 1e-3."
                ) from None
        else:
            try:
                value = float(raw)
            except OverflowError:  # an integer beyond the float range (a 400-digit number)
                raise ApplicationError("That number is too large.") from None
        if not math.isfinite(value):
            raise ApplicationError("Enter a finite number (not NaN or infinity).")
        return value
    if not isinstance(raw, str):
        raise ApplicationError("A text answer must be a string.")
    if len(raw.encode()) > MAX_TEXT_ANSWER_BYTES:
        raise ApplicationError("That answer is too long (10 KB at most).")
    return raw.strip() or None


def _storable(text: str) -> bool:
    """Whether PostgreSQL can store the text in a JSON column: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _accepted(spec: Mapping[str, Any], variant: Variant) -> list[str]:
    values = {**variant.params, "answer": variant.answer}
    accepted = [_format(a, values) if spec.get("params") else a for a in spec.get("answers", [])]
    if variant.answer is not None:
        accepted.insert(0, str(variant.answer))
    return accepted or [""]


def _text_accepts(spec: Mapping[str, Any], variant: Variant, answer: str) -> bool:
    normalized = normalize_text(answer)
    if normalized and normalized in {normalize_text(a) for a in _accepted(spec, variant) if a}:
        return True
    pattern = spec.get("pattern")
    if pattern and len(normalized) <= MAX_PATTERN_INPUT:
        return re.fullmatch(pattern, normalized) is not None
    return False


def numeric_close(value: float, expected: float, tolerance: Mapping[str, float]) -> bool:
    difference = abs(value - expected)
    if "absolute" in tolerance:
        return difference <= tolerance["absolute"] * (1 + 1e-12) + 1e-15
    relative = tolerance.get("relative", DEFAULT_RELATIVE_TOLERANCE)
    return difference <= relative * abs(expected) * (1 + 1e-12) + 1e-15


def answer_score(*, spec: Mapping[str, Any], variant: Variant, answer: Any) -> float:
    """The score of a stored (cleaned) answer, from 0 to 1."""
    if answer is None:
        return 0.0
    question_type = spec["type"]
    if question_type == "single":
        return 1.0 if any(o["id"] == answer and o["correct"] for o in spec["options"]) else 0.0
    if question_type == "multiple":
        correct = {option["id"] for option in spec["options"] if option["correct"]}
        chosen = set(answer)
        return max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    if question_type == "numeric":
        return (
            1.0 if numeric_close(float(answer), float(variant.answer), spec["tolerance"]) else 0.0
        )
    return 1.0 if _text_accepts(spec, variant, str(answer)) else 0.0


def correct_answer(*, spec: Mapping[str, Any], variant: Variant) -> Any:
    """An answer that scores full: what tests submit and what results show."""
    question_type = spec["type"]
    if question_type == "single":
        return next(option["id"] for option in spec["options"] if option["correct"])
    if question_type == "multiple":
        return [option["id"] for option in spec["options"] if option["correct"]]
    if question_type == "numeric":
        return variant.answer
    return _accepted(spec, variant)[0]


def answer_public(
    *, spec: Mapping[str, Any], option_order: Sequence[str] | None, answer: Any
) -> Any:
    """A stored answer as the learner sent it (choice answers as this attempt's letters)."""
    if answer is None or spec["type"] not in ("single", "multiple"):
        return answer
    letters = _public_ids(spec, option_order)
    if spec["type"] == "single":
        return letters.get(answer)
    return sorted(letters[option_id] for option_id in answer if option_id in letters)


def correct_answer_public(
    *, spec: Mapping[str, Any], variant: Variant, option_order: Sequence[str] | None
) -> Any:
    """An answer that scores full, in the form a learner sends it (tests use this)."""
    answer = correct_answer(spec=spec, variant=variant)
    return answer_public(spec=spec, option_order=option_order, answer=answer)


def format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _option_text(spec: Mapping[str, Any], option_id: str) -> str:
    return next((o["text"] for o in spec["options"] if o["id"] == option_id), option_id)


def answer_display(*, spec: Mapping[str, Any], answer: Any) -> str:
    """A stored answer as plain text for the results page."""
    if answer is None:
        return "(no answer)"
    if spec["type"] == "single":
        return _option_text(spec, answer)
    if spec["type"] == "multiple":
        return "; ".join(_option_text(spec, option_id) for option_id in answer) or "(none)"
    if spec["type"] == "numeric":
        return format_number(float(answer))
    return str(answer)


def correct_answer_display(*, spec: Mapping[str, Any], variant: Variant) -> str:
    if spec["type"] == "numeric":
        tolerance = spec["tolerance"]
        text = format_number(float(variant.answer))
        if "absolute" in tolerance and tolerance["absolute"] > 0:
            return f"{text} (± {format_number(tolerance['absolute'])})"
        if tolerance.get("relative", 0) >= 1e-4:
            return f"{text} (within {format_number(tolerance['relative'] * 100)}%)"
        return text
    if spec["type"] == "text" and not spec.get("answers") and variant.answer is None:
        return f"an answer matching the pattern {spec['pattern']}"
    return answer_display(spec=spec, answer=correct_answer(spec=spec, variant=variant))


# --------------------------------------------------------------------------- presentation


def question_public(
    *, spec: Mapping[str, Any], key: str, seed: int, option_order: Sequence[str] | None
) -> dict[str, Any]:
    """What a learner sees before submitting: no correct flags, answer or explanation."""
    variant = question_variant(spec=spec, key=key, seed=seed)
    public: dict[str, Any] = {
        "id": key,
        "type": spec["type"],
        "prompt_html": markdown_fragment(variant.prompt),
    }
    if spec["type"] in ("single", "multiple"):
        by_id = {option["id"]: option for option in spec["options"]}
        letters = _public_ids(spec, option_order)
        public["options"] = [
            {"id": letter, "html": markdown_inline(by_id[option_id]["text"])}
            for option_id, letter in sorted(letters.items(), key=lambda item: item[1])
        ]
    if spec["type"] == "multiple":
        public["rule"] = PARTIAL_CREDIT_RULE
    return public


def question_result(
    *,
    spec: Mapping[str, Any],
    key: str,
    seed: int,
    option_order: Sequence[str] | None,
    answer: Any,
    score: float,
) -> dict[str, Any]:
    """What a learner sees after submitting: their answer, the correct one, the explanation."""
    variant = question_variant(spec=spec, key=key, seed=seed)
    result = question_public(spec=spec, key=key, seed=seed, option_order=option_order)
    if spec["type"] in ("single", "multiple"):
        letters = _public_ids(spec, option_order)
        authored = {letter: option_id for option_id, letter in letters.items()}
        correct_ids = {o["id"] for o in spec["options"] if o["correct"]}
        chosen_ids = set(answer if isinstance(answer, list) else [answer])
        for option in result["options"]:
            option["correct"] = authored[option["id"]] in correct_ids
            option["chosen"] = authored[option["id"]] in chosen_ids
    result.update(
        {
            "score": score,
            "is_correct": score >= 1.0,
            "answer": answer_public(spec=spec, option_order=option_order, answer=answer),
            "answer_text": answer_display(spec=spec, answer=answer),
            "correct_answer_text": correct_answer_display(spec=spec, variant=variant),
            "explanation_html": markdown_fragment(variant.explanation),
            "lesson": spec.get("lesson", ""),
            "anchor": spec.get("anchor", ""),
        }
    )
    return result


def options_shuffled(*, spec: Mapping[str, Any], key: str, seed: int) -> list[str]:
    """The option order of one attempt: shuffled by the attempt seed, stable on reload."""
    order = [option["id"] for option in spec.get("options", [])]
    _rng(seed, key, "options").shuffle(order)
    return order


def questions_draw(*, keys: Sequence[str], count: int, seed: int) -> list[str]:
    """Which questions (by key) an attempt asks, in order."""
    pool = sorted(keys)
    return _rng(seed, "draw").sample(pool, min(count, len(pool)))
