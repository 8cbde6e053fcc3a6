"""Markdown rendering: anchors, code, math, tables, figures, links and sanitizing."""

import pytest

from courseware.rendering import Figure, heading_slug, markdown_inline, markdown_render


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("The Reparameterization Trick", "the-reparameterization-trick"),
        ("  BERT and GPT-Series! ", "bert-and-gpt-series"),
        ("Variational Autoencoders (VAEs)", "variational-autoencoders-vaes"),
        ("snake_case & C++", "snake-case-c"),
        ("!!!", "section"),
    ],
)
def test_heading_slug_follows_the_authoring_rule(text, slug):
    assert heading_slug(text) == slug


def test_headings_get_anchors_and_a_table_of_contents():
    rendered = markdown_render("## Intro\n\ntext\n\n### Details here\n\n## Intro\n\n#### Deep")

    assert '<h2 id="intro">Intro</h2>' in rendered.html
    assert '<h3 id="details-here">Details here</h3>' in rendered.html
    assert '<h2 id="intro-1">Intro</h2>' in rendered.html
    assert rendered.toc == [
        {"level": 2, "id": "intro", "text": "Intro"},
        {"level": 3, "id": "details-here", "text": "Details here"},
        {"level": 2, "id": "intro-1", "text": "Intro"},
    ]


def test_fenced_code_is_highlighted_by_pygments():
    html = markdown_render("```python\nimport torch\nx = 1\n```").html

    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="kn">import</span>' in html


def test_unknown_language_is_shown_escaped():
    html = markdown_render("```nolang\n<b>x</b>\n```").html

    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in html


def test_quoted_python_with_backslash_escapes_becomes_a_code_block():
    source = (
        ">\n> def add(a, b):\n>\n> return a + b\n\n>\n> squares = \\[x\\*\\*2 for x in range(10)\\]"
    )

    rendered = markdown_render(source)

    assert "<blockquote>" not in rendered.html
    assert rendered.html.count('<pre class="highlight">') == 2
    assert '\n    <span class="k">return</span> <span class="n">a</span>' in rendered.html
    assert "squares = [x**2 for x in range(10)]" in rendered.text


def test_quoted_prose_stays_a_quote():
    html = markdown_render("> A simple, two-layer network. It learns.").html

    assert html == "<blockquote>\n<p>A simple, two-layer network. It learns.</p>\n</blockquote>\n"


def test_indented_paragraphs_are_paragraphs_not_code():
    html = markdown_render("    Linear algebra provides the foundations.").html

    assert html == "<p>Linear algebra provides the foundations.</p>\n"


def test_math_becomes_mathml_without_any_script():
    rendered = markdown_render("Inline $x^2$ and\n\n$$\\frac{a}{b}$$")

    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in rendered.html
    assert "<msup>" in rendered.html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in rendered.html
    assert "<mfrac>" in rendered.html
    assert "<script" not in rendered.html
    assert rendered.errors == []


def test_dollar_amounts_are_not_math():
    assert markdown_render("It costs $5 and $10.").html == "<p>It costs $5 and $10.</p>\n"


def test_broken_math_is_reported_with_its_line():
    rendered = markdown_render("Fine.\n\n$$x^$$\n")

    assert rendered.errors == [
        (3, "cannot render the math `x^`: MissingSuperScriptOrSubscriptError")
    ]
    assert '<code class="math-error">x^</code>' in rendered.html


def test_tables_render_with_alignment_classes_not_styles():
    html = markdown_render("| a | b |\n|---|--:|\n| 1 | 2 |").html

    assert "<table>" in html
    assert '<td class="align-right">2</td>' in html
    assert "style=" not in html


def test_links_are_opened_safely():
    html = markdown_render("[out](https://example.com/x) and [in](#part) and [rel](../x)").html

    assert (
        '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">out</a>' in html
    )
    assert '<a href="#part" rel="noopener noreferrer">in</a>' in html
    assert '<a href="../x" rel="noopener noreferrer">rel</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="alert(1)">hi</p>',
        "<svg><script>alert(1)</script></svg>",
        '<math><a href="javascript:alert(1)">x</a></math>',
        "<style>body{display:none}</style>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "![x](javascript:alert(1))",
    ],
)
def test_script_in_content_is_neutralized(source):
    html = markdown_render(f"Before\n\n{source}\n\nAfter").html.lower()

    assert "<script" not in html
    assert 'href="javascript:' not in html and 'src="javascript:' not in html
    assert "onerror" not in html and "onclick" not in html
    assert "<iframe" not in html and "<style" not in html
    assert "data:text/html" not in html
    assert "before" in html and "after" in html


def test_a_missing_figure_becomes_a_captioned_placeholder():
    source = (
        "![My Local Image](Images/fig_3.jpeg)\n\n"
        '<p align="center"><i>Image Courtesy: https://medium.com/</i></p>\n\nNext.'
    )

    html = markdown_render(source).html

    assert html == (
        '<figure class="figure figure-missing"><div class="figure-placeholder" role="img" '
        'aria-label="Figure not available (fig_3.jpeg)">Figure not available (fig_3.jpeg)</div>'
        "<figcaption>Image Courtesy: https://medium.com/</figcaption></figure>\n<p>Next.</p>\n"
    )
    assert "<img" not in html


def test_a_missing_figure_uses_its_alt_text_as_caption():
    html = markdown_render("![A diagram of a transformer](img/t.png)").html

    assert "<figcaption>A diagram of a transformer</figcaption>" in html


def test_a_figure_mapped_to_a_diagram_is_drawn_as_svg():
    html = markdown_render(
        '![x](Images/fig_7.jpeg)\n\n<p align="center"><i>Courtesy: someone</i></p>',
        figures={"Images/fig_7.jpeg": Figure(diagram="attention", caption="Self-attention.")},
    ).html

    assert html.startswith('<figure class="figure figure-diagram"><svg class="diagram"')
    assert "<figcaption>Self-attention.</figcaption>" in html
    assert "Courtesy: someone" not in html


def test_web_images_are_kept():
    html = markdown_render("![chart](https://example.com/c.png)").html

    assert '<img src="https://example.com/c.png" alt="chart">' in html


def test_reading_time_and_words():
    rendered = markdown_render("word " * 401)

    assert rendered.word_count == 401
    assert rendered.reading_minutes == 3


def test_inline_rendering_for_options():
    assert markdown_inline("use `softmax` <b onclick=x>now</b>") == (
        "use <code>softmax</code> <b>now</b>"
    )
