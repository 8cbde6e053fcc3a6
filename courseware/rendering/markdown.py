"""The configured markdown-it parser: CommonMark, tables, strikethrough, math, corrections.

Fenced code is highlighted by Pygments, math becomes MathML (latex2mathml, no CDN), and a
`::: correction` container becomes an accessible aside.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import latex2mathml.converter
import latex2mathml.exceptions
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_LATEX_ERRORS: tuple[type[Exception], ...] = tuple(
    value
    for value in vars(latex2mathml.exceptions).values()
    if isinstance(value, type) and issubclass(value, Exception)
) + (IndexError, KeyError, ValueError, TypeError)

_formatter = HtmlFormatter(nowrap=True)


def _highlight(code: str, lang: str, _attrs: Any) -> str:
    language = (lang or "").strip().split()[0].lower() if lang and lang.strip() else ""
    css_class = f' class="language-{html.escape(language)}"' if language else ""
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    body = pygments_highlight(code, lexer, _formatter) if lexer else html.escape(code)
    return f'<pre class="highlight"><code{css_class}>{body}</code></pre>\n'


def _math_html(latex: str, options: dict[str, Any]) -> str:
    display = "block" if options.get("display_mode") else "inline"
    try:
        return str(latex2mathml.converter.convert(latex, display=display))
    except _LATEX_ERRORS:
        return f'<code class="math-error">{html.escape(latex)}</code>'


def math_error(latex: str) -> str | None:
    try:
        latex2mathml.converter.convert(latex)
    except _LATEX_ERRORS as error:
        return f"cannot render the math `{latex}`: {type(error).__name__} {error}".strip()
    return None


CORRECTION_LABEL = "Correction"


def _render_correction(
    renderer: Any, tokens: Sequence[Token], index: int, _options: Any, _env: Any
) -> str:
    # The label is text, not only a colour or an icon, so every reader sees it is a correction.
    if tokens[index].nesting == 1:
        return (
            f'<aside class="note note-correction" role="note" aria-label="{CORRECTION_LABEL}">'
            f'<p class="note-label"><span class="note-icon" aria-hidden="true">✎</span> '
            f"{CORRECTION_LABEL}</p>\n"
        )
    return "</aside>\n"


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.disable("code")  # four-space indented text is a paragraph, not code (see module doc)
    container_plugin(md, "correction", render=_render_correction)
    dollarmath_plugin(
        md, allow_space=False, allow_digits=False, double_inline=True, renderer=_math_html
    )
    return md


markdown_parser = _build_markdown()
