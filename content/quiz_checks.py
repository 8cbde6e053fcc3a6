"""Checks over a quiz bank that no single field check can make (content/AUTHORING.md, Quizzes).

Two defects of a bank survive every per-field check and still mislead learners:

- An explanation (or an option) that names an option by its letter: the page shuffles the
  options and labels them a, b, c... in the order shown, so "(c) is wrong" points at another
  option for most learners. `choice_citation_errors` finds such citations.
- A bank whose right answers are the longest options: a test-wise learner picks the longest
  option and scores well without reading the lesson. `length_bias_errors` refuses a quiz where
  a longest option is the right one clearly more often (or, the same tell reversed, clearly
  less often) than chance.

Both take validated question specs (`courseware.questions.question_spec_validate`) and return
messages; the importer adds the file and question id.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHOICE_TYPES = ("single", "multiple")
# The length check refuses a quiz when the share of questions whose right answer is a longest
# option is further than this margin from chance, above or below...
LENGTH_BIAS_MARGIN = 0.15
# ...and only when the quiz has this many questions of the kind checked: with fewer, one
# question moves the share by more than the margin and the rule would be noise.
LENGTH_BIAS_MIN_QUESTIONS = 5

# Text where "(a)" is not about options: fenced and inline code, display and inline math.
_NOT_PROSE = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)
_KEYWORD = r"(?:options?|choices?|answers?|alternatives?)"
# After a cited letter: a closing mark, a list separator or a verb. "answer a question" or
# "option a learner picks" use the letter as an article and are not citations.
_AFTER_LETTER = r"(?=\s*(?:[).,;:!?/]|$)|\s+(?:and|or|is|was|are|were|&)\b)"


def _letters(option_ids: Sequence[str]) -> list[str]:
    """The letters a learner may read as option names: single-letter ids and the page's labels."""
    shown = list(string.ascii_lowercase[: len(option_ids)])
    authored = [option_id.lower() for option_id in option_ids if len(option_id) == 1]
    return sorted(set(shown) | {letter for letter in authored if letter.isalpha()})


def _citation_patterns(option_ids: Sequence[str]) -> list[re.Pattern[str]]:
    letter = "(?:" + "|".join(re.escape(letter) for letter in _letters(option_ids)) + ")"
    patterns = [
        # "(b)", "(b, that was ...)", "(b and c)", "(c: ...)"; not "f(a)" or "x[i](a)".
        rf"(?<![\w\])])\(\s*{letter}\s*(?:\)|(?=[,;:/]|\s+(?:and|or|&)\b))",
        # "option c", "options a and b", "answer (d).", "choices b, c"
        rf"\b{_KEYWORD}\s+\(?{letter}\b{_AFTER_LETTER}",
        # "the answer is c." (but not "the answer is a vector")
        rf"\b{_KEYWORD}\s+(?:is|was)\s+\(?{letter}\b{_AFTER_LETTER}",
        # "c is wrong", "b is false"
        rf"(?<![\w'’-]){letter}\s+(?:is|was)\s+(?:wrong|right|correct|incorrect|false|true)\b",
        # Positions shuffle too: "the first option", "the last two answers".
        rf"\b(?:first|second|third|fourth|fifth|last)(?:\s+(?:two|three))?\s+{_KEYWORD}\b",
    ]
    words = [option_id for option_id in option_ids if len(option_id) > 1]
    if words:
        # Ids that are words are cited only after a keyword: "(relu)" is a normal parenthesis.
        word = "(?:" + "|".join(re.escape(w) for w in words) + ")"
        patterns.append(rf"\b(?:options?|choices?)\s+\(?{word}\b")
    return [re.compile(pattern, re.IGNORECASE | re.MULTILINE) for pattern in patterns]


def _bare_list_letters(text: str, letters: Sequence[str]) -> list[str]:
    """Letters written as list labels, "b) ...", outside any parenthesis ("(see plan a)" is not)."""
    found = []
    for line in text.split("\n"):
        depth = 0
        for position, character in enumerate(line):
            if character == "(":
                depth += 1
            elif character == ")":
                if depth:
                    depth -= 1
                    continue
                before = line[position - 1].lower() if position else ""
                start = line[position - 2] if position >= 2 else " "
                if before in letters and (start.isspace() or start in ",;:"):
                    found.append(line[max(0, position - 1) : position + 1])
    return found


def option_citations(text: str, option_ids: Sequence[str]) -> list[str]:
    """The places in `text` that name an option by letter or id, as written."""
    prose = _NOT_PROSE.sub(" ", text)
    found = [
        match.group(0).strip()
        for pattern in _citation_patterns(option_ids)
        for match in pattern.finditer(prose)
    ]
    found += _bare_list_letters(prose, _letters(option_ids))
    return list(dict.fromkeys(found))


def choice_citation_errors(spec: Mapping[str, Any]) -> list[str]:
    """Messages for a choice question whose explanation or options cite an option by letter."""
    if spec.get("type") not in CHOICE_TYPES:
        return []
    option_ids = [str(option["id"]) for option in spec["options"]]
    errors = []
    texts = [("explanation", str(spec.get("explanation") or ""))] + [
        (f"option `{option['id']}`", str(option["text"])) for option in spec["options"]
    ]
    for where, text in texts:
        citations = option_citations(text, option_ids)
        if citations:
            quoted = ", ".join(f"“{citation}”" for citation in citations)
            errors.append(
                f"{where} names an option by its letter ({quoted}): options are shuffled and "
                f"relabelled for each learner, so quote or paraphrase the option instead"
            )
    return errors


@dataclass(frozen=True)
class LengthBias:
    """How often a longest option is a right one, against what chance would give."""

    questions: int
    longest_right: int
    expected: float

    @property
    def share(self) -> float:
        return self.longest_right / self.questions if self.questions else 0.0

    @property
    def chance(self) -> float:
        return self.expected / self.questions if self.questions else 0.0

    @property
    def is_checked(self) -> bool:
        return self.questions >= LENGTH_BIAS_MIN_QUESTIONS

    @property
    def too_often(self) -> bool:
        return self.is_checked and self.share > self.chance + LENGTH_BIAS_MARGIN

    @property
    def too_rarely(self) -> bool:
        # The mirror image is a tell too: "never pick the longest" would then score well.
        return self.is_checked and self.share < self.chance - LENGTH_BIAS_MARGIN


def _length(text: str) -> int:
    return len(" ".join(str(text).split()))


def length_bias(specs: Iterable[Mapping[str, Any]], *, types: Sequence[str]) -> LengthBias:
    """Count the questions of `types` whose longest option (strictly or tied) is a right one.

    Chance for one question is its share of right options (1/k for a single-choice question
    with k options): with lengths unrelated to correctness, a longest option is right that
    often.
    """
    questions = longest_right = 0
    expected = 0.0
    for spec in specs:
        if spec.get("type") not in types or not spec.get("options"):
            continue
        options = spec["options"]
        lengths = [_length(option["text"]) for option in options]
        longest = max(lengths)
        questions += 1
        longest_right += any(
            option["correct"]
            for option, length in zip(options, lengths, strict=True)
            if length == longest
        )
        expected += sum(1 for option in options if option["correct"]) / len(options)
    return LengthBias(questions=questions, longest_right=longest_right, expected=expected)


def length_bias_errors(specs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Messages for a quiz whose right answers are too often the longest options.

    Single-choice questions are checked on their own (the share of questions whose right
    option is the longest), then all choice questions together (the share whose longest option
    is a right one), which also covers multiple-select questions.
    """
    errors = []
    for types, what in (
        (("single",), "single-choice questions whose right option is the longest"),
        (CHOICE_TYPES, "choice questions whose longest option is a right one"),
    ):
        bias = length_bias(specs, types=types)
        if not (bias.too_often or bias.too_rarely):
            continue
        low = max(0.0, bias.chance - LENGTH_BIAS_MARGIN)
        high = bias.chance + LENGTH_BIAS_MARGIN
        tell = "pick the longest option" if bias.too_often else "rule out the longest option"
        errors.append(
            f"{bias.longest_right} of {bias.questions} {what} ({bias.share:.0%}; chance is "
            f"{bias.chance:.0%}, {low:.0%} to {high:.0%} is accepted): a learner could {tell} "
            f"without reading the lesson, so make right and wrong options alike in length and "
            f"detail"
        )
    return errors
