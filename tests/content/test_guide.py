"""The real guide as a course: structure against its table of contents, no text lost, quizzes."""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from content.importer import course_apply, course_load
from courseware.models import Course, Lesson, Module, Question, Quiz
from courseware.questions import (
    answer_clean,
    answer_score,
    correct_answer_public,
    options_shuffled,
    question_variant,
)
from courseware.selectors import lesson_search

GUIDE = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide"
SOURCE = GUIDE / "source" / "gen-ai-guide.md"
TOC_CHAPTER = re.compile(r"^\d+\.\s+\[(?P<title>[^\]]+)\]\(#[^)]+\)\s*$")
TOC_LINE = re.compile(r"^\s*(\d+\.|-)\s+\[[^\]]+\]\(#[^)]+\)\s*$")
HEADING = re.compile(r"^#{1,6}(\s|$)")


@pytest.fixture(scope="module")
def guide_plan():
    return course_load(GUIDE)


@pytest.fixture
def guide(db, guide_plan):
    course_apply(plan=guide_plan)
    return Course.objects.get(slug="gen-ai-guide")


def _source_body_lines() -> list[str]:
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    last_toc = max(i for i, line in enumerate(lines) if TOC_LINE.match(line))
    return lines[last_toc + 1 :]


def _lesson_files() -> list[Path]:
    return sorted((GUIDE / "lessons").rglob("*.md"))


def _lesson_body(path: Path) -> list[str]:
    """The guide's text in a lesson: its body without our `::: correction` notes."""
    text = path.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    return re.sub(r"^::: correction\n.*?^:::\n", "", body, flags=re.M | re.S).split("\n")


def test_modules_are_the_guide_table_of_contents_chapters_in_order(guide):
    toc_titles = [
        match["title"].strip()
        for line in SOURCE.read_text(encoding="utf-8").split("\n")
        if (match := TOC_CHAPTER.match(line.rstrip()))
    ]

    titles = list(
        Module.objects.filter(course=guide).order_by("order").values_list("title", flat=True)
    )

    assert len(toc_titles) == 12
    assert titles == toc_titles


def test_every_line_of_the_guide_body_landed_in_exactly_one_lesson():
    # Headings are rewritten by the split (levels, bold, colons); every other line is copied.
    source = Counter(
        line for line in _source_body_lines() if line.strip() and not HEADING.match(line)
    )
    lessons = Counter(
        line
        for path in _lesson_files()
        for line in _lesson_body(path)
        if line.strip() and not HEADING.match(line)
    )

    assert lessons == source


def test_word_counts_of_the_guide_and_the_lessons_match():
    def words(text: str) -> int:
        return len(re.findall(r"[A-Za-z0-9]+", text))

    def heading_words(lines: list[str]) -> Counter:
        return Counter(
            word.lower()
            for line in lines
            if HEADING.match(line)
            for word in re.findall(r"[A-Za-z0-9]+", re.sub(r"\]\([^)]*\)", "]", line))
        )

    source_lines = _source_body_lines()
    source_text = "\n".join(line for line in source_lines if not HEADING.match(line))
    lesson_lines = [line for path in _lesson_files() for line in _lesson_body(path)]
    lesson_text = "\n".join(line for line in lesson_lines if not HEADING.match(line))
    # A leaf heading becomes the lesson title (front matter) or stays as a heading.
    titles = [
        path.read_text(encoding="utf-8").split("\n")[1].removeprefix("title: ")
        for path in _lesson_files()
    ]
    lesson_heading_words = heading_words(lesson_lines) + Counter(
        word.lower() for title in titles for word in re.findall(r"[A-Za-z0-9]+", title)
    )

    assert words(lesson_text) == words(source_text)
    assert not heading_words(source_lines) - lesson_heading_words


def test_guide_imports_73_lessons_and_a_quiz_per_chapter_1_to_11(guide):
    assert Lesson.objects.filter(course=guide, is_active=True).count() == len(_lesson_files())
    assert len(_lesson_files()) == 73
    quiz_modules = list(
        Quiz.objects.filter(module__course=guide)
        .order_by("module__order")
        .values_list("module__order", flat=True)
    )
    assert quiz_modules == list(range(1, 12))
    per_quiz = Counter(Question.objects.filter(course=guide).values_list("quiz_id", flat=True))
    assert min(per_quiz.values()) >= 10


def test_reimporting_the_guide_changes_nothing_and_says_so(guide, capsys):
    call_command("import_course", str(GUIDE))

    assert "Nothing changed: gen-ai-guide is up to date." in capsys.readouterr().out


def test_search_finds_reparameterization_in_the_vae_lesson(guide):
    hits = lesson_search(course=guide, query="reparameterization")

    assert "variational-autoencoders" in [hit.lesson.slug for hit in hits]
    vae = next(hit for hit in hits if hit.lesson.slug == "variational-autoencoders")
    assert "<mark>Reparameterization</mark>" in vae.snippet_html


def test_guide_lessons_render_headings_code_figures_and_diagrams(guide):
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.filter(course=guide)}

    basics = lessons["python-basics"].html
    assert '<h2 id="python-basics"><a href="https://www.geeksforgeeks.org/python-basics/"' in basics
    assert '<pre class="highlight"><code class="language-python">' in basics
    assert '<span class="k">def</span>' in basics  # the quoted example, highlighted
    assert "&gt; def add" not in basics and "<blockquote>" not in basics
    perceptrons = lessons["perceptrons-and-multilayer-perceptrons"].html
    assert "<blockquote>" in perceptrons  # a quote of prose stays a quote
    linear_algebra = lessons["linear-algebra"].html
    # The guide's missing figure is our own diagram with our caption (not the credit line).
    assert 'class="figure figure-diagram"' in linear_algebra
    assert ">Mathematics for machine learning</title>" in linear_algebra
    assert "<figcaption>The three areas of mathematics that machine" in linear_algebra
    assert "<pre" not in linear_algebra  # indented paragraphs are not code
    for slug, title in [
        ("attention-mechanism", "Self-attention"),
        ("basic-autoencoders", "Autoencoder"),
        ("gan-architecture", "Generative adversarial network"),
        ("basics-of-diffusion-processes", "Diffusion model"),
    ]:
        assert '<svg class="diagram"' in lessons[slug].html
        assert f">{title}</title>" in lessons[slug].html
    assert all("Images/fig_" not in lesson.html for lesson in lessons.values())


def test_every_bank_question_validates_and_its_correct_answer_scores_full(guide):
    questions = list(Question.objects.filter(course=guide))
    assert len(questions) >= 110

    for question in questions:
        for seed in range(12):
            variant = question_variant(spec=question.spec, key=question.slug, seed=seed)
            order = options_shuffled(spec=question.spec, key=question.slug, seed=seed)
            public = correct_answer_public(spec=question.spec, variant=variant, option_order=order)
            stored = answer_clean(spec=question.spec, raw=public, option_order=order)
            score = answer_score(spec=question.spec, variant=variant, answer=stored)
            assert score == 1.0, (question.slug, seed, public)
            assert question.spec["explanation"].strip()
            assert question.spec["lesson"]


def test_technical_chapters_have_two_parameterized_questions_each(guide):
    counts = Counter(
        question.quiz.module.order
        for question in Question.objects.filter(course=guide).select_related("quiz__module")
        if question.spec.get("params")
    )

    assert all(counts[chapter] >= 2 for chapter in (2, 3, 4, 7, 9)), counts


def test_guide_exercises_are_attached_to_the_module_of_their_lesson(guide):
    from grading.models import Exercise

    exercises = Exercise.objects.filter(module__course=guide, is_active=True).select_related(
        "module"
    )
    lessons = {lesson.slug: lesson.module_id for lesson in Lesson.objects.filter(course=guide)}

    assert exercises.count() == len([p for p in (GUIDE / "exercises").iterdir() if p.is_dir()])
    for exercise in exercises:
        assert exercise.module_id == lessons[exercise.lesson_slug.partition("#")[0]]


def test_module_page_lists_its_exercises_through_the_grading_include(guide, client):
    html = client.get("/courses/gen-ai-guide/modules/fundamental-concepts/").content.decode()

    assert '<a href="/exercises/gen-ai-guide/stable-softmax/">' in html
    assert 'href="/courses/gen-ai-guide/modules/fundamental-concepts/quiz/"' in html
