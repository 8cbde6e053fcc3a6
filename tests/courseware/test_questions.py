"""The question engine: validation, scoring of every type, variants and option shuffling."""

import math

import pytest

from courseware.errors import ApplicationError
from courseware.questions import (
    PARTIAL_CREDIT_RULE,
    answer_clean,
    answer_score,
    correct_answer_public,
    options_shuffled,
    question_public,
    question_result,
    question_spec_validate,
    question_variant,
    questions_draw,
)

LESSONS = {"intro": {"first-heading"}, "other": set()}


def validated(raw: dict) -> dict:
    spec, errors = question_spec_validate(raw, lesson_anchors=LESSONS)
    assert errors == []
    assert spec is not None
    return spec


def score(spec: dict, raw, *, seed: int = 0, key: str = "q", order=None) -> float:
    variant = question_variant(spec=spec, key=key, seed=seed)
    stored = answer_clean(spec=spec, raw=raw, option_order=order)
    return answer_score(spec=spec, variant=variant, answer=stored)


SINGLE = {
    "type": "single",
    "prompt": "Pick one",
    "options": [
        {"id": "a", "text": "right", "correct": True},
        {"id": "b", "text": "wrong"},
        {"id": "c", "text": "also wrong"},
    ],
    "explanation": "Because.",
    "lesson": "intro",
}
MULTIPLE = {
    "type": "multiple",
    "prompt": "Pick all",
    "options": [
        {"id": "a", "text": "yes 1", "correct": True},
        {"id": "b", "text": "yes 2", "correct": True},
        {"id": "c", "text": "no 1"},
        {"id": "d", "text": "no 2"},
    ],
    "explanation": "Because.",
    "lesson": "intro#first-heading",
}
NUMERIC_ABS = {
    "type": "numeric",
    "prompt": "2/3?",
    "answer": "2 / 3",
    "tolerance": {"absolute": 0.01},
    "explanation": "0.667",
    "lesson": "intro",
}
NUMERIC_REL = {
    "type": "numeric",
    "prompt": "1000?",
    "answer": 1000,
    "tolerance": {"relative": 0.02},
    "explanation": "1000",
    "lesson": "intro",
}
NUMERIC_DEFAULT = {
    "type": "numeric",
    "prompt": "0.1?",
    "answer": 0.1,
    "explanation": "0.1",
    "lesson": "intro",
}
TEXT = {
    "type": "text",
    "prompt": "Name it",
    "answers": ["Mode Collapse"],
    "pattern": r"mode[- ]?collapse|collapse",
    "explanation": "It collapses.",
    "lesson": "intro",
}
PARAMETERIZED = {
    "type": "numeric",
    "params": {
        "z": {"ints": [-3, 4], "size": 3},
        "lr": {"choice": [0.01, 0.1]},
        "w": {"float": [-2, 2], "decimals": 1},
        "n": {"int": [2, 9]},
        "v": {"floats": [0, 1], "size": 2, "decimals": 2},
        "m": {"matrix": [0, 9], "rows": 2, "cols": 2},
    },
    "prompt": "z = {z}, first {z[0]}, lr {lr}, w {w}, n {n}, v {v}, m {m}",
    "answer": "softmax(z)[0] + lr * w * n + v[0] + m[1][1]",
    "tolerance": {"absolute": 0.001},
    "explanation": "The answer is {answer:.4f}.",
    "lesson": "intro",
}


# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("raw", "expected"), [("a", 1.0), ("b", 0.0), ("c", 0.0), (None, 0.0), ("", 0.0)]
)
def test_single_choice(raw, expected):
    # With no shuffle, letters follow the authored order.
    assert score(validated(SINGLE), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["a", "b"], 1.0),
        (["a"], 0.5),
        (["b", "a"], 1.0),
        (["a", "b", "c"], 0.5),
        (["a", "c"], 0.0),
        (["a", "c", "d"], 0.0),  # never below 0
        (["c", "d"], 0.0),
        (["a", "b", "c", "d"], 0.0),
        (["a", "a"], 0.5),  # a repeated option counts once
        ([], 0.0),
        ("a", 0.5),  # a single id is accepted as a list of one
    ],
)
def test_multiple_select_partial_credit(raw, expected):
    assert score(validated(MULTIPLE), raw) == expected


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (NUMERIC_ABS, "0.667", 1.0),
        (NUMERIC_ABS, "0.6766", 1.0),  # just under 0.01 away
        (NUMERIC_ABS, 0.656, 0.0),
        (NUMERIC_ABS, " 6.67e-1 ", 1.0),
        (NUMERIC_ABS, "−0.667", 0.0),  # a typographic minus is read as minus
        (NUMERIC_REL, 1019.9, 1.0),
        (NUMERIC_REL, 980, 1.0),
        (NUMERIC_REL, 1021, 0.0),
        (NUMERIC_REL, "1e3", 1.0),
        (NUMERIC_DEFAULT, 0.1, 1.0),
        (NUMERIC_DEFAULT, 0.1000002, 0.0),
        (NUMERIC_DEFAULT, 0.10000000001, 1.0),
        (NUMERIC_DEFAULT, "", 0.0),
    ],
)
def test_numeric_tolerances(spec, raw, expected):
    assert score(validated(spec), raw) == expected


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-Infinity", float("nan"), float("inf")])
def test_numeric_refuses_nan_and_infinity(raw):
    with pytest.raises(ApplicationError, match="Enter a finite number"):
        answer_clean(spec=validated(NUMERIC_ABS), raw=raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("two", "is not a number"),
        ("1" * 101, "That number is too long."),
        (True, "Enter a number"),
        (["1"], "Enter a number"),
    ],
)
def test_numeric_refuses_what_is_not_a_number(raw, message):
    with pytest.raises(ApplicationError, match=message):
        answer_clean(spec=validated(NUMERIC_ABS), raw=raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mode Collapse", 1.0),
        ("  mode    COLLAPSE ", 1.0),
        ("mode-collapse", 1.0),
        ("collapse", 1.0),
        ("modecollapse", 1.0),
        ("mode collapse happens", 0.0),  # the pattern must match in full
        ("vanishing gradients", 0.0),
        ("", 0.0),
    ],
)
def test_text_answers_and_pattern(raw, expected):
    assert score(validated(TEXT), raw) == expected


def test_text_pattern_is_not_run_on_long_answers():
    spec = validated({**TEXT, "answers": ["x"], "pattern": "a+"})

    assert score(spec, "a" * 200) == 1.0
    assert score(spec, "a" * 201) == 0.0


def test_text_refuses_more_than_10_kb():
    spec = validated(TEXT)
    assert answer_clean(spec=spec, raw="é" * 5120) == "é" * 5120  # 10 KB in UTF-8

    with pytest.raises(ApplicationError, match="too long"):
        answer_clean(spec=spec, raw="é" * 5121)
    with pytest.raises(ApplicationError, match="too long"):
        answer_clean(spec=spec, raw="x" * 1024 * 1024)


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        (SINGLE, "z", "That option is not one of this question's options."),
        (SINGLE, ["a"], "A single-choice answer is one option id."),
        (MULTIPLE, ["a", "z"], "That option is not one of this question's options."),
        (MULTIPLE, [1], "A multiple-select answer is a list of option ids."),
        (MULTIPLE, {"a": True}, "A multiple-select answer is a list of option ids."),
        (TEXT, 5, "A text answer must be a string."),
    ],
)
def test_answers_of_the_wrong_shape_are_refused(spec, raw, message):
    with pytest.raises(ApplicationError, match=message):
        answer_clean(spec=validated(spec), raw=raw)


# --------------------------------------------------------------------------- options


def test_learners_see_letters_in_shuffled_order_never_the_authored_ids():
    spec = validated(SINGLE)
    orders = {tuple(options_shuffled(spec=spec, key="q", seed=seed)) for seed in range(40)}
    assert len(orders) == 6  # every permutation of three options occurs

    for seed in range(40):
        order = options_shuffled(spec=spec, key="q", seed=seed)
        public = question_public(spec=spec, key="q", seed=seed, option_order=order)
        assert [option["id"] for option in public["options"]] == ["a", "b", "c"]
        assert [option["html"] for option in public["options"]] == [
            {"a": "right", "b": "wrong", "c": "also wrong"}[option_id] for option_id in order
        ]
        right_letter = "abc"[order.index("a")]
        assert score(spec, right_letter, seed=seed, order=order) == 1.0


def test_option_order_is_stable_for_a_seed():
    spec = validated(MULTIPLE)

    assert options_shuffled(spec=spec, key="q", seed=7) == options_shuffled(
        spec=spec, key="q", seed=7
    )


def test_public_question_holds_no_answer_or_explanation():
    for raw in (SINGLE, MULTIPLE, NUMERIC_ABS, TEXT, PARAMETERIZED):
        spec = validated(raw)
        public = question_public(spec=spec, key="q", seed=3, option_order=None)
        text = repr(public)
        assert "correct" not in [key for option in public.get("options", []) for key in option]
        assert "explanation" not in text.lower()
        assert "Because." not in text and "It collapses." not in text
        assert set(public) <= {"id", "type", "prompt_html", "options", "rule"}
    assert question_public(spec=validated(MULTIPLE), key="q", seed=1, option_order=None)[
        "rule"
    ] == (PARTIAL_CREDIT_RULE)


def test_result_shows_the_correct_answer_and_explanation():
    spec = validated(NUMERIC_ABS)

    result = question_result(
        spec=spec, key="q", seed=0, option_order=None, answer=0.5, score=0.0, reveal=True
    )

    assert result["answer_text"] == "0.5"
    assert result["correct_answer_text"] == "0.666667 (± 0.01)"
    assert result["explanation_html"] == "<p>0.667</p>\n"
    assert (result["lesson"], result["anchor"]) == ("intro", "")


# --------------------------------------------------------------------------- variants


def test_a_variant_is_the_same_for_the_same_seed():
    spec = validated(PARAMETERIZED)

    first = question_variant(spec=spec, key="q", seed=12345)
    again = question_variant(spec=spec, key="q", seed=12345)

    assert first.prompt == again.prompt
    assert first.answer == again.answer


def test_variants_differ_across_seeds_and_fill_in_the_text():
    spec = validated(PARAMETERIZED)

    variants = [question_variant(spec=spec, key="q", seed=seed) for seed in range(50)]

    assert len({variant.prompt for variant in variants}) >= 45
    for seed, variant in enumerate(variants):
        z = variant.params["z"]
        assert variant.prompt.startswith(f"z = [{z[0]}, {z[1]}, {z[2]}], first {z[0]}, lr ")
        assert min(z) >= -3 and max(z) <= 4
        assert variant.params["lr"] in (0.01, 0.1)
        assert variant.params["w"] == round(variant.params["w"], 1)
        assert variant.explanation == f"The answer is {variant.answer:.4f}."
        expected = (
            math.exp(z[0]) / sum(math.exp(v) for v in z)
            + variant.params["lr"] * variant.params["w"] * variant.params["n"]
            + variant.params["v"][0]
            + variant.params["m"][1][1]
        )
        assert variant.answer == pytest.approx(expected)
        assert score(spec, str(round(variant.answer, 4)), seed=seed) == 1.0


def test_each_question_of_an_attempt_draws_its_own_numbers():
    spec = validated(PARAMETERIZED)

    assert (
        question_variant(spec=spec, key="q1", seed=1).prompt
        != question_variant(spec=spec, key="q2", seed=1).prompt
    )


def test_correct_answer_public_scores_full_for_every_type():
    for raw in (SINGLE, MULTIPLE, NUMERIC_ABS, NUMERIC_REL, TEXT, PARAMETERIZED):
        spec = validated(raw)
        for seed in range(5):
            order = options_shuffled(spec=spec, key="q", seed=seed)
            variant = question_variant(spec=spec, key="q", seed=seed)
            public = correct_answer_public(spec=spec, variant=variant, option_order=order)
            assert score(spec, public, seed=seed, order=order) == 1.0


def test_questions_draw_is_deterministic_and_varies():
    keys = [f"q{i}" for i in range(10)]

    assert questions_draw(keys=keys, count=4, seed=9) == questions_draw(keys=keys, count=4, seed=9)
    assert len({tuple(questions_draw(keys=keys, count=4, seed=s)) for s in range(20)}) > 15
    assert sorted(questions_draw(keys=keys, count=99, seed=1)) == sorted(keys)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "essay"}, "`type` must be one of single, multiple, numeric, text"),
        ({"explanation": ""}, "`explanation` is missing or empty"),
        ({"lesson": "nope"}, "unknown lesson `nope`"),
        ({"lesson": "intro#nope"}, "lesson `intro` has no heading with the anchor `#nope`"),
        ({"hint": "x"}, "unknown key(s) hint"),
        (
            {"options": [{"id": "a", "text": "x", "correct": True}]},
            "`options` must list 2 to 26 options",
        ),
        (
            {"options": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]},
            "a single-choice question needs exactly one correct option, not 0",
        ),
        (
            {"options": [{"id": "a", "text": "x", "correct": True}, {"id": "a", "text": "y"}]},
            "duplicate option id `a`",
        ),
        (
            {"options": [{"id": "a", "text": "x", "correct": "yes"}, {"id": "b", "text": "y"}]},
            "option `a`: `correct` must be true or false",
        ),
        ({"params": {"n": {"int": [1, 2]}}}, "only numeric and text questions can have `params`"),
        ({"answer": 3}, "`answer` is not used by single questions"),
    ],
)
def test_validation_names_what_is_wrong(change, message):
    spec, errors = question_spec_validate({**SINGLE, **change}, lesson_anchors=LESSONS)

    assert spec is None
    assert message in errors


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer": None}, "`answer` (a number or an expression) is missing"),
        ({"tolerance": {"absolute": -1}}, "tolerance `absolute` must be a number >= 0"),
        ({"tolerance": {"percent": 1}}, "`tolerance` must be {absolute: x} or {relative: x}"),
        ({"answer": "n + 1"}, "`answer`: unknown name `n`"),
        ({"params": {"n": {"int": [5, 1]}}, "answer": "n"}, "parameter `n`: low 5 is above high 1"),
        (
            {"params": {"n": {"int": [1.5, 3]}}, "answer": "n"},
            "parameter `n`: `int` bounds must be integers",
        ),
        (
            {"params": {"n": {"ints": [1, 3]}}, "answer": "n[0]"},
            "parameter `n`: `size` must be 1 to 100",
        ),
        (
            {"params": {"n": {"dice": 6}}},
            "parameter `n` needs exactly one kind of int, float, choice, ints, floats, matrix",
        ),
        ({"params": {"exp": {"int": [1, 2]}}}, "parameter name `exp` is not allowed"),
        (
            {"params": {"n": {"int": [0, 3]}}, "answer": "1 / n"},
            "`answer`: cannot evaluate `1 / n`: division by zero",
        ),
        (
            {"params": {"n": {"int": [1, 3]}}, "answer": "n", "prompt": "{m}"},
            "cannot fill in the prompt or explanation: KeyError: 'm'",
        ),
        (
            {"params": {"n": {"int": [1, 3]}}, "answer": "n", "prompt": "{n.real}"},
            "cannot fill in the prompt or explanation: ValueError: attribute access is not allowed in `{n.real}`",
        ),
    ],
)
def test_numeric_validation(change, message):
    spec, errors = question_spec_validate({**NUMERIC_ABS, **change}, lesson_anchors=LESSONS)

    assert spec is None
    assert errors == [message]


def test_text_needs_answers_or_a_pattern():
    spec, errors = question_spec_validate(
        {**TEXT, "answers": [], "pattern": None}, lesson_anchors=LESSONS
    )
    assert errors == ["a text question needs `answers`, `pattern` or both"]

    spec, errors = question_spec_validate({**TEXT, "pattern": "("}, lesson_anchors=LESSONS)
    assert errors[0].startswith("`pattern` is not a valid regular expression")
