"""The quiz bank checks: no explanation cites an option letter, right answers are not the longest.

Unit tests of `content.quiz_checks`, the importer refusing a bank that fails them (with the
file and question, writing nothing), and the shipped guide bank passing both.
"""

from pathlib import Path

import pytest

from content.importer import ImportFailed, course_import, course_load
from content.quiz_checks import (
    choice_citation_errors,
    length_bias,
    length_bias_errors,
    option_citations,
)
from courseware.models import Question, Quiz
from tests.content.test_import import replace, snapshot

GUIDE = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide"
IDS = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It says nothing about speed (b), nor about learning (c).", ["(b)", "(c)"]),
        ("Deep Blue (d, a classic) is narrow AI.", ["(d"]),
        ("(a) and (b) are right.", ["(a)", "(b)"]),
        ("Both (b and c) fail.", ["(b"]),
        ("Option c is the trap.", ["Option c"]),
        ("so options a and d are wrong", ["options a"]),
        ("The answer is (B).", ["(B)", "answer is (B"]),
        ("the answer is c.", ["answer is c"]),
        ("d is false: it needs labels.", ["d is false"]),
        ("a) works\nb) does not", ["a)", "b)"]),
        (
            "The first option is a trap; the last two answers are right.",
            ["first option", "last two answers"],
        ),
        ("The right choice, b, is rare.", []),  # a letter between commas is not a form we match
    ],
)
def test_citation_forms_are_found(text, expected):
    assert option_citations(text, IDS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A deep network (a stack of layers) learns features.",
        "The answer a learner gives is saved; choose an option a colleague would.",
        "f(a) = 2a and g(b) = b^2 for every input.",
        "The points $(a)$ and $(b)$ of the proof, and `(c)` in code.",
        "It is a (quite) common mistake (see plan a).",
        "```\nx = f(a)\nb)\n```",
        "Use (e.g. CLIP) an encoder; (i) and (ii) are steps.",
        'Training a linear head on labelled examples (a "linear probe") is optional.',
    ],
)
def test_ordinary_prose_math_and_code_are_not_citations(text):
    assert option_citations(text, IDS) == []


def test_a_letter_beyond_the_options_shown_is_not_a_citation():
    # Four options are labelled a-d on the page: "(e)" names nothing a learner sees.
    assert option_citations("See step (e).", IDS) == []
    assert option_citations("See step (e).", [*IDS, "e"]) == ["(e)"]


def test_word_ids_are_cited_only_after_a_keyword():
    ids = ["relu", "tanh"]
    assert option_citations("Use (ReLU) here.", ids) == []
    assert option_citations("Option relu is wrong.", ids) == ["Option relu"]
    # The page still shows letters a and b for these two options.
    assert option_citations("(b) is wrong.", ids) == ["(b)"]


def _single(correct: str, *wrong: str, explanation: str = "Because.") -> dict:
    options = [{"id": "a", "text": correct, "correct": True}] + [
        {"id": chr(ord("b") + i), "text": text, "correct": False} for i, text in enumerate(wrong)
    ]
    return {"type": "single", "explanation": explanation, "options": options}


def test_an_explanation_or_option_citing_a_letter_is_reported():
    spec = _single("Right", "Wrong", "Also (a)", explanation="So (b) is wrong.")
    errors = choice_citation_errors(spec)
    assert errors == [
        "explanation names an option by its letter (“(b)”): options are shuffled and "
        "relabelled for each learner, so quote or paraphrase the option instead",
        "option `c` names an option by its letter (“(a)”): options are shuffled and "
        "relabelled for each learner, so quote or paraphrase the option instead",
    ]
    assert choice_citation_errors({"type": "numeric", "explanation": "(a)"}) == []


def test_length_bias_counts_ties_and_uses_each_questions_chance():
    specs = [
        _single("long right answer", "short", "tiny", "wee"),  # longest
        _single("same", "same", "xx", "yy"),  # tied longest: counts
        _single("x", "a longer wrong one", "yy", "zz"),  # not longest
        {
            "type": "multiple",
            "options": [
                {"id": "a", "text": "longest right option", "correct": True},
                {"id": "b", "text": "right", "correct": True},
                {"id": "c", "text": "wrong", "correct": False},
            ],
        },  # fmt: skip
    ]
    single = length_bias(specs, types=("single",))
    assert (single.questions, single.longest_right, single.expected) == (3, 2, 0.75)
    both = length_bias(specs, types=("single", "multiple"))
    assert (both.questions, both.longest_right) == (4, 3)
    assert both.expected == pytest.approx(0.75 + 2 / 3)


TELL = "without reading the lesson, so make right and wrong options alike in length and detail"


def test_a_quiz_whose_right_answers_are_longest_is_refused_and_a_fair_one_is_not():
    biased = [
        _single(f"the long and detailed right answer {n}", "no", "nope", "never") for n in range(8)
    ]
    assert length_bias_errors(biased) == [
        "8 of 8 single-choice questions whose right option is the longest (100%; chance is 25%, "
        f"10% to 40% is accepted): a learner could pick the longest option {TELL}",
        "8 of 8 choice questions whose longest option is a right one (100%; chance is 25%, "
        f"10% to 40% is accepted): a learner could pick the longest option {TELL}",
    ]
    # Three of eight (37.5%) is within chance ± 15 points.
    fair = biased[:3] + [_single("short", "a much longer wrong answer", "no", "nope")] * 5
    assert length_bias_errors(fair) == []
    # Below five questions the share is too noisy to judge.
    assert length_bias_errors(biased[:4]) == []


def test_a_quiz_whose_right_answers_are_never_longest_is_refused_too():
    # "Never pick the longest" would score as well as "always pick it".
    reversed_bias = [_single("short", "a much longer wrong answer", "no", "nope")] * 8
    errors = length_bias_errors(reversed_bias)
    assert errors[0] == (
        "0 of 8 single-choice questions whose right option is the longest (0%; chance is 25%, "
        f"10% to 40% is accepted): a learner could rule out the longest option {TELL}"
    )
    assert len(errors) == 2


@pytest.mark.django_db
def test_the_importer_refuses_a_citing_explanation_naming_file_and_question(mini_course_dir):
    course_import(path=mini_course_dir)
    before = snapshot()
    quiz = mini_course_dir / "quizzes/01-basics.yaml"
    replace(quiz, "SINGLE-EXPLANATION gradients", "SINGLE-EXPLANATION not (b), gradients")
    with pytest.raises(ImportFailed) as failure:
        course_import(path=mini_course_dir)
    assert failure.value.errors == [
        f"{mini_course_dir}/quizzes/01-basics.yaml: q-single: explanation names an option by its "
        "letter (“(b)”): options are shuffled and relabelled for each learner, so quote or "
        "paraphrase the option instead"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_the_importer_refuses_a_length_biased_quiz_and_changes_nothing(mini_course_dir):
    course_import(path=mini_course_dir)
    before = snapshot()
    quiz = mini_course_dir / "quizzes/01-basics.yaml"
    extra = "".join(
        f"""
  - id: q-long-{n}
    type: single
    prompt: Question {n}?
    options:
      - {{id: a, text: "The long, careful and detailed right answer {n}", correct: true}}
      - {{id: b, text: "Wrong"}}
      - {{id: c, text: "Also wrong"}}
    explanation: Because.
    lesson: first-steps
"""
        for n in range(7)
    )
    quiz.write_text(quiz.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        course_import(path=mini_course_dir)
    prefix = f"{mini_course_dir}/quizzes/01-basics.yaml: "
    assert failure.value.errors == [
        f"{prefix}8 of 8 single-choice questions whose right option is the longest (100%; chance "
        f"is 33%, 18% to 48% is accepted): a learner could pick the longest option {TELL}",
        f"{prefix}8 of 9 choice questions whose longest option is a right one (89%; chance is "
        f"38%, 23% to 53% is accepted): a learner could pick the longest option {TELL}",
    ]
    assert snapshot() == before
    assert Question.objects.filter(slug__startswith="q-long").count() == 0
    assert Quiz.objects.count() == 1


def test_the_shipped_bank_cites_no_option_letter_and_is_not_length_biased():
    plan = course_load(GUIDE)  # raises ImportFailed listing every problem
    for module in plan.modules:
        if module.quiz is None:
            continue
        specs = [question.spec for question in module.quiz.questions]
        for spec in specs:
            assert choice_citation_errors(spec) == []
        assert length_bias_errors(specs) == [], module.quiz.path
        single = length_bias(specs, types=("single",))
        assert single.share <= single.chance + 0.15, module.quiz.path
