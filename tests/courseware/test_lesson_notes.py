"""What lessons add to the guide: correction notes, our own diagrams, glossary links, and the
objectives and "check yourself" questions on the lesson page (with its no-JavaScript form).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from content.importer import course_import, course_load
from courseware.diagrams import DIAGRAMS
from courseware.models import Lesson
from courseware.rendering import GlossaryLink, markdown_render
from tests.courseware.lesson_extras_course import write_extras

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "content" / "gen-ai-guide"
LISTED = re.compile(r"^- `(?P<slug>[a-z0-9-]+)` — `(?P<needle>[^`]+)`: (?P<summary>.+)$")
ASIDE = re.compile(
    r'<aside class="note note-correction" role="note" aria-label="Correction">(.*?)</aside>', re.S
)


@pytest.fixture(scope="module")
def guide_lessons() -> dict[str, str]:
    plan = course_load(GUIDE)
    return {lesson.slug: lesson.html for module in plan.modules for lesson in module.lessons}


def _listed_corrections() -> list[tuple[str, str]]:
    text = (ROOT / "content" / "AUTHORING.md").read_text(encoding="utf-8")
    section = text.split("## Corrections to the guide", 1)[1]
    return [(m["slug"], m["needle"]) for line in section.split("\n") if (m := LISTED.match(line))]


def _text(markup: str) -> str:
    """The words of some HTML; tags are dropped without a space (highlighted code is split into
    spans: `y.sum()` must stay one piece), block ends become spaces."""
    spaced = re.sub(r"</(p|li|pre|h[1-6])>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


# ------------------------------------------------------------------ correction notes


def test_correction_container_is_an_accessible_aside_with_a_visible_label():
    rendered = markdown_render(
        "Guide text.\n\n::: correction\nUse `y.sum().backward()`.\n\n```python\nx = 1\n```\n:::\n"
    )

    assert rendered.html == (
        "<p>Guide text.</p>\n"
        '<aside class="note note-correction" role="note" aria-label="Correction">'
        '<p class="note-label"><span class="note-icon" aria-hidden="true">✎</span> Correction</p>\n'
        "<p>Use <code>y.sum().backward()</code>.</p>\n"
        '<pre class="highlight"><code class="language-python"><span class="n">x</span> '
        '<span class="o">=</span> <span class="mi">1</span>\n</code></pre>\n\n'
        "</aside>\n"
    )
    # The label is our chrome, not lesson text: search and reading time count the note only.
    assert rendered.text == "Guide text.\nUse y.sum().backward().\nx = 1"


def test_the_list_names_the_known_errors_of_the_guide():
    listed = _listed_corrections()
    needles = {(slug, needle) for slug, needle in listed}

    assert len(listed) >= 20
    assert ("pytorch", "y.sum().backward()") in needles
    assert ("tensorflow", "tf.placeholder") in needles
    assert ("keras", "KERAS_BACKEND") in needles


def test_each_listed_place_has_its_correction_note(guide_lessons):
    for slug, needle in _listed_corrections():
        notes = [_text(body) for body in ASIDE.findall(guide_lessons[slug])]
        assert any(needle in note for note in notes), (slug, needle, notes)


def test_every_correction_note_in_the_course_is_listed(guide_lessons):
    listed = Counter(slug for slug, _ in _listed_corrections())
    found = Counter({slug: len(ASIDE.findall(body)) for slug, body in guide_lessons.items()})

    assert +found == +listed


def test_a_note_keeps_the_guides_code_as_written(guide_lessons):
    pytorch = guide_lessons["pytorch"]
    # The guide's y.backward() stays, highlighted, before the note that corrects it.
    guide_code = pytorch.index('<span class="n">y</span><span class="o">.</span>'
                               '<span class="n">backward</span>')  # fmt: skip
    assert guide_code < pytorch.index('class="note note-correction"')
    assert "grad can be implicitly created only for scalar outputs" in _text(pytorch)


# ------------------------------------------------------------------ figures


def test_no_figure_placeholder_remains_in_any_lesson(guide_lessons):
    assert len(guide_lessons) == 73
    for slug, body in guide_lessons.items():
        assert "figure-missing" not in body, slug
        assert "Figure not available" not in body, slug
        assert "Images/fig_" not in body, slug


def test_every_figure_of_the_guide_is_one_of_our_diagrams(guide_lessons):
    sources = [
        line
        for path in (GUIDE / "lessons").rglob("*.md")
        for line in path.read_text(encoding="utf-8").split("\n")
        if "](Images/" in line
    ]
    diagrams = sum(
        body.count('<figure class="figure figure-diagram">') for body in guide_lessons.values()
    )

    assert len(sources) == 15
    assert diagrams == len(sources)


def test_each_diagram_has_a_text_alternative_and_its_own_ids():
    ids: list[str] = []
    for name, svg in DIAGRAMS.items():
        title = re.search(r'<title id="([^"]+)">([^<]+)</title>', svg)
        desc = re.search(r'<desc id="([^"]+)">([^<]{40,})</desc>', svg)
        assert title and desc, name
        assert f'role="img" aria-labelledby="{title[1]} {desc[1]}"' in svg, name
        ids += re.findall(r' id="([^"]+)"', svg)
        assert "url(#dg-arrow)" not in svg, name  # each diagram points at its own marker
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------ glossary links

TERMS = [
    GlossaryLink(phrases=("GAN", "GANs"), href="/g/#term-gan", title="GAN"),
    GlossaryLink(phrases=("mode collapse",), href="/g/#term-mode-collapse", title="Mode collapse"),
]


def test_glossary_links_the_first_use_only_outside_code_headings_and_links():
    source = (
        "## GANs in a heading\n\n"
        "A [GAN link](https://example.com) and `GAN` in code; then GANs are linked,\n"
        "and a GAN later is not. Training can suffer mode\ncollapse, a term on two lines.\n"
    )

    body = markdown_render(source, glossary=TERMS).html

    assert body == (
        '<h2 id="gans-in-a-heading">GANs in a heading</h2>\n'
        '<p>A <a href="https://example.com" target="_blank" rel="noopener noreferrer">GAN link</a>'
        " and <code>GAN</code> in code; then "
        '<a href="/g/#term-gan" class="glossary-link" title="GAN" rel="noopener noreferrer">'
        "GANs</a> are linked,\nand a GAN later is not. Training can suffer "
        '<a href="/g/#term-mode-collapse" class="glossary-link" title="Mode collapse" '
        'rel="noopener noreferrer">mode\ncollapse</a>, a term on two lines.</p>\n'
    )
    # Linking changes neither the search text nor the word count.
    assert markdown_render(source, glossary=TERMS).text == markdown_render(source).text


class _LinkPlaces(HTMLParser):
    """Where glossary links sit: the open tags above each one."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.places: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("class") == "glossary-link":
            self.places.append((str(values["href"]), list(self.stack)))
        if tag not in ("br", "img", "hr", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def test_guide_lessons_link_each_term_once_never_in_code_headings_or_links(guide_lessons):
    total = 0
    for slug, body in guide_lessons.items():
        parser = _LinkPlaces()
        parser.feed(body)
        hrefs = [href for href, _ in parser.places]
        assert len(hrefs) == len(set(hrefs)), slug
        for href, above in parser.places:
            assert href.startswith("/courses/gen-ai-guide/glossary/#term-"), (slug, href)
            assert not {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"} & set(above)
        total += len(hrefs)
    assert total >= 150
    assert 'href="/courses/gen-ai-guide/glossary/#term-gan"' in guide_lessons["gan-architecture"]


# ------------------------------------------------------------------ the lesson page


@pytest.fixture
def extras_course(db, mini_course_dir):
    course_import(path=write_extras(mini_course_dir))


LESSON = "/courses/mini/lessons/first-steps/"
CHECK = "/courses/mini/lessons/first-steps/check/"


def test_lesson_page_opens_with_objectives_and_ends_with_check_yourself(client, extras_course):
    page = client.get(LESSON).content.decode()

    objectives = page.index("In this lesson you will…")
    prose = page.index('<div class="prose">')
    check = page.index('<h2 id="check-heading">Check yourself</h2>')
    assert objectives < prose < check
    assert "<li>Explain why a VAE samples with <em>mu + sigma * eps</em>.</li>" in page
    assert f'<form method="post" action="{CHECK}#check-yourself" data-check-form>' in page
    assert 'type="radio" name="check-1" value="0" data-correct>' in page
    assert 'type="checkbox" name="check-2" value="1">' in page
    assert page.count('aria-live="polite" data-feedback>') == 2
    assert '<script src="/static/js/lesson-check.js" defer></script>' in page
    # Below the questions: the module's quiz.
    assert '<a href="/courses/mini/modules/basics/quiz/">Quiz: Basics quiz</a>' in page
    assert "✓ Correct." not in page and "Not quite." not in page


def test_a_lesson_without_extras_has_neither_section_nor_script(client, extras_course):
    page = client.get("/courses/mini/lessons/last-words/").content.decode()

    assert "In this lesson you will" not in page
    assert "Check yourself" not in page
    assert "<script" not in page


def _check(client: Client, data: dict[str, object]) -> str:
    response = client.post(CHECK, data)
    assert response.status_code == 200
    return response.content.decode()


def test_without_javascript_a_right_answer_gets_its_feedback(client, extras_course):
    page = _check(client, {"check-1": "0", "check-2": ["0", "2"]})

    assert page.count("✓ Correct.") == 2
    assert "CHECK-ONE-EXPLANATION" in page.split("<template")[0]
    assert 'name="check-1" value="0" checked data-correct>' in page
    assert "In this lesson you will…" in page  # the lesson itself is shown again


def test_without_javascript_a_wrong_answer_shows_the_right_one(client, extras_course):
    page = _check(client, {"check-1": "2", "check-2": ["0"]})

    assert page.count("✗ Not quite.") == 2
    assert "✓ Correct." not in page
    # Said in words, not only by colour: which option is right, which choice was not.
    assert page.count("(right answer)") == 3
    assert page.count("(not right)") == 1
    assert 'name="check-1" value="2" checked>' in page


def test_without_javascript_an_unanswered_question_says_so(client, extras_course):
    page = _check(client, {"check-1": "0", "check-2": ["7", "x"]})  # not options: ignored

    assert page.count("✓ Correct.") == 1
    assert "Not answered: choose an answer and check again." in page
    second = page.split('id="check-2"')[1].split("<template")[0]
    assert "Not answered: choose an answer and check again." in second
    assert "CHECK-TWO-EXPLANATION" not in second


def test_check_view_takes_only_post_and_only_active_lessons(client, extras_course):
    assert client.get(CHECK).status_code == 405
    assert client.post("/courses/mini/lessons/no-such-lesson/check/", {}).status_code == 404
    Lesson.objects.filter(slug="first-steps").update(is_active=False)
    assert client.post(CHECK, {"check-1": "0"}).status_code == 404


def test_glossary_page_lists_terms_with_anchors_that_lessons_link_to(client, extras_course):
    page = client.get("/courses/mini/glossary/").content.decode()
    lesson = client.get("/courses/mini/lessons/variational-autoencoders/").content.decode()

    assert '<dt id="term-autoencoder">Autoencoder</dt>' in page
    assert "<dd><p>An autoencoder whose codes follow a <strong>distribution</strong>.</p>" in page
    # Alphabetical on the page.
    assert (
        page.index("term-autoencoder")
        < page.index("term-sampling")
        < page.index("term-variational-autoencoder")
    )
    assert '<a href="/courses/mini/glossary/#term-vae" ' not in lesson
    assert 'href="/courses/mini/glossary/#term-variational-autoencoder"' in lesson
    assert '<a href="/courses/mini/glossary/">Glossary</a>' in lesson
