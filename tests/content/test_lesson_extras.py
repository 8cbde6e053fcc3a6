"""Lesson extras and the glossary as the importer reads them (content/lesson_extras.py).

Objectives and "check yourself" questions come from each module folder's extras.yaml, the
glossary from glossary.yaml; bad files are refused with `file: lesson: message` errors, and the
shipped course has extras for every lesson.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from content.importer import ImportFailed, course_import, course_load
from content.lesson_extras import _file_length_bias
from courseware.models import GlossaryTerm, Lesson
from tests.courseware.lesson_extras_course import EXTRAS_YAML, GLOSSARY_YAML, write_extras

GUIDE = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide"


def _errors(course_dir: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        course_load(course_dir)
    return failure.value.errors


def _extras_file(course_dir: Path) -> str:
    return f"{course_dir}/lessons/01-basics/extras.yaml"


def test_extras_are_stored_on_their_lesson_rendered(db, mini_course_dir):
    course_import(path=write_extras(mini_course_dir))

    lesson = Lesson.objects.get(slug="first-steps")
    assert lesson.objectives == [
        "Explain why a VAE samples with <em>mu + sigma * eps</em>.",
        "Name the two parts of an autoencoder.",
    ]
    assert [check["id"] for check in lesson.checks] == ["check-1", "check-2"]
    single, multiple = lesson.checks
    assert single["type"] == "single"
    assert single["prompt_html"] == (
        "<p>Why does a VAE sample its code as <code>mu + sigma * eps</code>?</p>\n"
    )
    assert [option["correct"] for option in single["options"]] == [True, False, False]
    assert single["options"][0]["html"] == "So that gradients can reach mu and sigma"
    assert "CHECK-ONE-EXPLANATION" in single["explanation_html"]
    assert multiple["type"] == "multiple"
    assert [option["correct"] for option in multiple["options"]] == [True, False, True]
    # A lesson of a module without extras.yaml has none, and still imports.
    other = Lesson.objects.get(slug="last-words")
    assert (other.objectives, other.checks) == ([], [])


def test_extras_without_a_file_leave_every_lesson_plain(db, mini_course_dir):
    course_import(path=mini_course_dir)

    assert [(lesson.objectives, lesson.checks) for lesson in Lesson.objects.all()] == [([], [])] * 4
    assert GlossaryTerm.objects.count() == 0


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("first-steps:", "no-such-lesson:", "no-such-lesson: unknown lesson slug"),
        (
            '{text: "So that gradients can reach mu and sigma", correct: true}',
            '{text: "So that gradients can reach mu and sigma"}',
            "first-steps: question 1: a single-choice question needs exactly one correct option",
        ),
        (
            '{text: "A variational autoencoder", correct: true}',
            '{text: "A variational autoencoder", correct: true}\n'
            '        - {text: "Something else"}\n        - {text: "Another thing"}',
            "first-steps: question 2: give 3-4 options",
        ),
        (
            '    - "Name the two parts of an autoencoder."\n',
            "",
            "first-steps: give 2-4 objectives (non-empty text)",
        ),
        (
            '    - "Name the two parts of an autoencoder."\n',
            '    - "Two."\n    - "Three."\n    - "Four."\n    - "Five."\n',
            "first-steps: give 2-4 objectives (non-empty text)",
        ),
        (
            '      explanation: "CHECK-ONE-EXPLANATION the noise becomes an input, so the sample'
            ' is differentiable."\n',
            "",
            "first-steps: question 1: `explanation` is required (it is shown after answering)",
        ),
        ("      type: multiple\n", "      type: ranking\n", "type must be single or multiple"),
        ("  objectives:", "  goals: [a, b]\n  objectives:", "first-steps: unknown key 'goals'"),
        (
            "CHECK-ONE-EXPLANATION the noise",
            "CHECK-ONE-EXPLANATION (a) is right: the noise",
            "first-steps: question 1: explanation names an option by its letter",
        ),
    ],
)
def test_bad_extras_are_refused_with_file_lesson_and_reason(
    db, mini_course_dir, replace, by, message
):
    assert replace in EXTRAS_YAML
    write_extras(mini_course_dir, extras=EXTRAS_YAML.replace(replace, by))

    errors = _errors(mini_course_dir)

    assert any(
        error.startswith(f"{_extras_file(mini_course_dir)}: ") and message in error
        for error in errors
    ), errors


def test_no_question_and_three_questions_are_refused(db, mini_course_dir):
    head, _, questions = EXTRAS_YAML.partition("  check:\n")
    first = questions.split("    - prompt:")[1]
    for check in ("  check: []\n", "  check:\n" + ("    - prompt:" + first) * 3):
        write_extras(mini_course_dir, extras=head + check)
        errors = _errors(mini_course_dir)
        assert (
            f"{_extras_file(mini_course_dir)}: first-steps: "
            "give 1-2 check-yourself questions under `check`"
        ) in errors


def test_extras_whose_right_options_are_always_the_longest_are_refused():
    def lesson(right_is_longest: bool) -> dict[str, object]:
        right = "The answer, written out at a much greater length" if right_is_longest else "Yes"
        options = [{"text": right, "correct": True}, {"text": "Short"}, {"text": "Brief"}]
        return {"check": [{"prompt": "Q?", "explanation": "Why.", "options": options}]}

    biased = {f"lesson-{number}": lesson(True) for number in range(6)}
    fair = {f"lesson-{number}": lesson(number in (0, 1)) for number in range(6)}

    single, choice = _file_length_bias(biased)
    assert single.startswith("6 of 6 single-choice questions whose right option is the longest")
    assert choice.startswith("6 of 6 choice questions whose longest option is a right one")
    assert _file_length_bias(fair) == []


def test_malformed_extras_yaml_is_one_clear_error(db, mini_course_dir):
    write_extras(mini_course_dir, extras="first-steps: [unclosed\n")

    errors = _errors(mini_course_dir)

    assert len(errors) == 1
    assert errors[0].startswith(f"{_extras_file(mini_course_dir)}: malformed YAML:")


def test_glossary_terms_are_stored_and_a_reimport_follows_the_file(db, mini_course_dir):
    course_import(path=write_extras(mini_course_dir))
    assert list(GlossaryTerm.objects.values_list("slug", "term", "order")) == [
        ("variational-autoencoder", "Variational autoencoder", 1),
        ("autoencoder", "Autoencoder", 2),
        ("sampling", "Sampling", 3),
    ]
    assert GlossaryTerm.objects.get(slug="variational-autoencoder").definition_html == (
        "<p>An autoencoder whose codes follow a <strong>distribution</strong>.</p>\n"
    )

    shorter = GLOSSARY_YAML.split("- term: Sampling")[0]
    course_import(path=write_extras(mini_course_dir, glossary=shorter))

    assert list(GlossaryTerm.objects.values_list("slug", flat=True)) == [
        "variational-autoencoder",
        "autoencoder",
    ]


@pytest.mark.parametrize(
    ("glossary", "message"),
    [
        (
            "- term: VAE\n  definition: x\n- term: Other\n  also: [vae]\n  definition: y\n",
            "Other: 'vae' already names 'VAE'",
        ),  # fmt: skip
        ("- term: VAE\n", "VAE: `definition` is required"),
        ("- definition: orphan\n", "term 1: `term` is required"),
        ("- term: A\n  definition: x\n  see: B\n", "A: unknown key 'see'"),
        ("term: A\n", "expected a list of terms (term, definition)"),
    ],
)
def test_bad_glossary_is_refused_with_file_term_and_reason(db, mini_course_dir, glossary, message):
    write_extras(mini_course_dir, glossary=glossary)

    errors = _errors(mini_course_dir)

    assert f"{mini_course_dir}/glossary.yaml: {message}" in errors, errors


def test_every_shipped_lesson_has_objectives_and_check_questions():
    plan = course_load(GUIDE)
    lessons = [lesson for module in plan.modules for lesson in module.lessons]

    assert len(lessons) == 73
    missing = [
        lesson.slug
        for lesson in lessons
        if not (2 <= len(lesson.objectives) <= 4 and 1 <= len(lesson.checks) <= 2)
    ]
    assert missing == []


def test_the_shipped_glossary_has_30_to_60_terms_each_used_by_a_lesson():
    plan = course_load(GUIDE)
    html = "".join(lesson.html for module in plan.modules for lesson in module.lessons)

    assert 30 <= len(plan.glossary.terms) <= 60
    # A term no lesson mentions outside headings would be linked from nowhere, unless it is the
    # title of a lesson of its own (the guide's "Transfer Learning" uses the term only there).
    titles = {lesson.title.lower() for module in plan.modules for lesson in module.lessons}
    unlinked = [
        term.term
        for term in plan.glossary.terms
        if f"#term-{term.slug}" not in html and term.term.lower() not in titles
    ]
    assert unlinked == []
