"""Variants of a question: parameters drawn from the attempt seed, author texts filled in.

Variants follow PrairieLearn's idea: every parameter is drawn from a generator seeded with the
attempt's seed, the question id and the parameter name, so a reload shows the same numbers,
another attempt or learner gets other numbers, and editing one parameter leaves the others.
The same seeded draws pick an attempt's questions and shuffle their options.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from courseware.expressions import expression_evaluate


@dataclass(frozen=True)
class Variant:
    """One learner's instance of a question: its parameter values, answer and texts."""

    params: dict[str, Any]
    answer: Any  # numeric: a number; text: a string or None; choice types: None
    prompt: str
    explanation: str


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


def text_format(text: str, values: Mapping[str, Any]) -> str:
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
        prompt, explanation = text_format(prompt, values), text_format(explanation, values)
    return Variant(params=params, answer=answer, prompt=prompt, explanation=explanation)


def options_shuffled(*, spec: Mapping[str, Any], key: str, seed: int) -> list[str]:
    """The option order of one attempt: shuffled by the attempt seed, stable on reload."""
    order = [option["id"] for option in spec.get("options", [])]
    _rng(seed, key, "options").shuffle(order)
    return order


def questions_draw(*, keys: Sequence[str], count: int, seed: int) -> list[str]:
    """Which questions (by key) an attempt asks, in order."""
    pool = sorted(keys)
    return _rng(seed, "draw").sample(pool, min(count, len(pool)))
