"""A learner's answer to one question: checked, stored, scored and shown back as sent.

Choice answers arrive as the letters shown in the attempt and are stored as authored ids, so
the letters are computed here, in one place, for cleaning, scoring and display alike.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.questions.variants import Variant, text_format

MAX_TEXT_ANSWER_BYTES = 10 * 1024
MAX_NUMBER_INPUT = 100
# Author patterns are matched only against short answers, so no pattern can take long.
MAX_PATTERN_INPUT = 200
DEFAULT_RELATIVE_TOLERANCE = 1e-6


def normalize_text(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def option_letters(spec: Mapping[str, Any], option_order: Sequence[str] | None) -> dict[str, str]:
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
            gettext(
                "The answer contains a character that cannot be stored "
                "(a NUL or an unpaired surrogate)."
            )
        )
    if question_type in ("single", "multiple"):
        by_letter = {letter: o for o, letter in option_letters(spec, option_order).items()}
        chosen = [raw] if isinstance(raw, str) else raw
        if question_type == "single" and not isinstance(raw, str):
            raise ApplicationError(gettext("A single-choice answer is one option id."))
        if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
            raise ApplicationError(gettext("A multiple-select answer is a list of option ids."))
        if any(item not in by_letter for item in chosen):
            raise ApplicationError(gettext("That option is not one of this question's options."))
        if question_type == "single":
            return by_letter[raw]
        picked = {by_letter[item] for item in chosen}
        return [option["id"] for option in spec["options"] if option["id"] in picked]
    if question_type == "numeric":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ApplicationError(gettext("Enter a number, such as 0.25 or 1e-3."))
        if isinstance(raw, str):
            text = raw.strip().replace("−", "-")
            if not text:
                return None
            if len(text) > MAX_NUMBER_INPUT:
                raise ApplicationError(gettext("That number is too long."))
            try:
                value = float(text)
            except ValueError:
                raise ApplicationError(
                    gettext("“%(value)s” is not a number. Enter a number, such as 0.25 or 1e-3.")
                    % {"value": text[:40]}
                ) from None
        else:
            try:
                value = float(raw)
            except OverflowError:  # an integer beyond the float range (a 400-digit number)
                raise ApplicationError(gettext("That number is too large.")) from None
        if not math.isfinite(value):
            raise ApplicationError(gettext("Enter a finite number (not NaN or infinity)."))
        return value
    if not isinstance(raw, str):
        raise ApplicationError(gettext("A text answer must be a string."))
    if len(raw.encode()) > MAX_TEXT_ANSWER_BYTES:
        raise ApplicationError(gettext("That answer is too long (10 KB at most)."))
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
    accepted = [
        text_format(a, values) if spec.get("params") else a for a in spec.get("answers", [])
    ]
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
    letters = option_letters(spec, option_order)
    if spec["type"] == "single":
        return letters.get(answer)
    return sorted(letters[option_id] for option_id in answer if option_id in letters)


def correct_answer_public(
    *, spec: Mapping[str, Any], variant: Variant, option_order: Sequence[str] | None
) -> Any:
    """An answer that scores full, in the form a learner sends it (tests use this)."""
    answer = correct_answer(spec=spec, variant=variant)
    return answer_public(spec=spec, option_order=option_order, answer=answer)
