"""Markdown to safe HTML, for lessons (at import time) and quiz text (at view time).

The pipeline (`pipeline`): markdown-it (`markdown`: CommonMark, tables, strikethrough,
`$`/`$$` math) parses the source; a token pass gives headings their anchors (rule in
content/AUTHORING.md), collects the table of contents, marks external links, turns figures
whose file is missing into a captioned placeholder or one of our own SVG diagrams (`figures`),
and records content errors with their line numbers. Fenced code is highlighted by Pygments,
math becomes MathML (latex2mathml, no CDN). The HTML is then sanitized by nh3 (`sanitize`):
raw HTML and `javascript:` links in content cannot run script. Diagrams are our own markup and
are put in after sanitizing.

Two course-level additions are made here as well: a `::: correction` container becomes an
accessible aside (role="note", a visible "Correction" label), which is how a lesson corrects
the guide's text without removing it; and, given the course glossary, the first use of each
glossary term in a lesson (outside code, headings and links) links to its entry (`glossary`).

Two habits of the source guide are handled here too: its code examples are blockquotes with
backslash-escaped punctuation (`guide_source`: shown as Python code blocks when they parse as
Python), and its paragraphs are often indented by four spaces (indented code blocks are
therefore off: authors write fenced code).

Callers import from this package; the names below are its public surface.
"""

from courseware.rendering.figures import Figure
from courseware.rendering.glossary import GlossaryLink
from courseware.rendering.guide_source import quoted_code_to_fences
from courseware.rendering.markdown import CORRECTION_LABEL
from courseware.rendering.pipeline import (
    RENDERER_VERSION,
    TOC_LEVELS,
    WORDS_PER_MINUTE,
    Rendered,
    heading_slug,
    markdown_fragment,
    markdown_inline,
    markdown_render,
    render_markdown,
)
from courseware.rendering.sanitize import sanitize

__all__ = [
    "CORRECTION_LABEL",
    "RENDERER_VERSION",
    "TOC_LEVELS",
    "WORDS_PER_MINUTE",
    "Figure",
    "GlossaryLink",
    "Rendered",
    "heading_slug",
    "markdown_fragment",
    "markdown_inline",
    "markdown_render",
    "quoted_code_to_fences",
    "render_markdown",
    "sanitize",
]
