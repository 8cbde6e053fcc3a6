"""What a learner sees of a question: before submission without the answer, after with it.

Nothing that builds the page before submission (`question_public`) reads the answer fields;
the answer and explanation come out only through `question_result`, after submission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from courseware.questions.answers import answer_public, correct_answer, option_letters
from courseware.questions.variants import Variant, question_variant
from courseware.rendering import markdown_fragment, markdown_inline

PARTIAL_CREDIT_RULE = (
    "Select every correct option. Score: (correct options chosen − wrong options chosen) ÷ "
    "number of correct options, never below 0."
)


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
        letters = option_letters(spec, option_order)
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
    reveal: bool,
) -> dict[str, Any]:
    """What a learner sees after submitting: their answer and its score, and with `reveal` the
    correct one and the explanation. Without it, nothing that names the correct answer is in the
    result (no `correct` flag on an option, no correct answer text, no explanation)."""
    variant = question_variant(spec=spec, key=key, seed=seed)
    result = question_public(spec=spec, key=key, seed=seed, option_order=option_order)
    if spec["type"] in ("single", "multiple"):
        letters = option_letters(spec, option_order)
        authored = {letter: option_id for option_id, letter in letters.items()}
        correct_ids = {o["id"] for o in spec["options"] if o["correct"]}
        chosen_ids = set(answer if isinstance(answer, list) else [answer])
        for option in result["options"]:
            if reveal:
                option["correct"] = authored[option["id"]] in correct_ids
            option["chosen"] = authored[option["id"]] in chosen_ids
    result.update(
        {
            "score": score,
            "is_correct": score >= 1.0,
            "answer": answer_public(spec=spec, option_order=option_order, answer=answer),
            "answer_text": answer_display(spec=spec, answer=answer),
            "revealed": reveal,
            "lesson": spec.get("lesson", ""),
            "anchor": spec.get("anchor", ""),
        }
    )
    if reveal:
        result["correct_answer_text"] = correct_answer_display(spec=spec, variant=variant)
        result["explanation_html"] = markdown_fragment(variant.explanation)
    return result
