"""The quiz question engine: validate a bank entry, draw a learner's variant, score answers.

A question's `spec` (stored on `Question`) holds its answer; what a learner sees before
submission never reads it. The engine is split by what each part is about:

- `variants`: seeded parameters, the filled-in texts, which questions an attempt asks and in
  which option order;
- `validation`: checking a bank entry before import;
- `answers`: cleaning, storing and scoring a learner's answer, and the correct answer;
- `presentation`: the question as shown before submission and the result after it.

Callers import from this package; the names below are its public surface.
"""

from courseware.questions.answers import (
    DEFAULT_RELATIVE_TOLERANCE,
    MAX_NUMBER_INPUT,
    MAX_PATTERN_INPUT,
    MAX_TEXT_ANSWER_BYTES,
    answer_clean,
    answer_public,
    answer_score,
    correct_answer,
    correct_answer_public,
    normalize_text,
    numeric_close,
    option_letters,
)
from courseware.questions.presentation import (
    PARTIAL_CREDIT_RULE,
    answer_display,
    correct_answer_display,
    format_number,
    question_public,
    question_result,
)
from courseware.questions.validation import (
    PARAM_KINDS,
    QUESTION_KEYS,
    SLUG,
    TYPES,
    VALIDATION_SEEDS,
    question_spec_validate,
)
from courseware.questions.variants import (
    Variant,
    options_shuffled,
    params_draw,
    question_variant,
    questions_draw,
    text_format,
)

__all__ = [
    "DEFAULT_RELATIVE_TOLERANCE",
    "MAX_NUMBER_INPUT",
    "MAX_PATTERN_INPUT",
    "MAX_TEXT_ANSWER_BYTES",
    "PARAM_KINDS",
    "PARTIAL_CREDIT_RULE",
    "QUESTION_KEYS",
    "SLUG",
    "TYPES",
    "VALIDATION_SEEDS",
    "Variant",
    "answer_clean",
    "answer_display",
    "answer_public",
    "answer_score",
    "correct_answer",
    "correct_answer_display",
    "correct_answer_public",
    "format_number",
    "normalize_text",
    "numeric_close",
    "option_letters",
    "options_shuffled",
    "params_draw",
    "question_public",
    "question_result",
    "question_spec_validate",
    "question_variant",
    "questions_draw",
    "text_format",
]
