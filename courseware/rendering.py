"""Markdown to safe HTML, for lessons (at import time) and quiz text (at view time).

The pipeline: markdown-it (CommonMark, tables, strikethrough, `$`/`$$` math) parses the
source; a token pass gives headings their anchors (rule in content/AUTHORING.md), collects
the table of contents, marks external links, turns figures whose file is missing into a
captioned placeholder (or one of our own SVG diagrams), and records content errors with their
line numbers. Fenced code is highlighted by Pygments, math becomes MathML (latex2mathml, no
CDN). The HTML is then sanitized by nh3: raw HTML and `javascript:` links in content cannot
run script. Diagrams are our own markup and are put in after sanitizing.

Two course-level additions are made here as well: a `::: correction` container becomes an
accessible aside (role="note", a visible "Correction" label), which is how a lesson corrects
the guide's text without removing it; and, given the course glossary, the first use of each
glossary term in a lesson (outside code, headings and links) links to its entry.

Two habits of the source guide are handled here too: its code examples are blockquotes with
backslash-escaped punctuation (shown as Python code blocks when they parse as Python), and its
paragraphs are often indented by four spaces (indented code blocks are therefore off: authors
write fenced code).
"""

from __future__ import annotations

import ast
import html
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import latex2mathml.converter
import latex2mathml.exceptions
import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from courseware.diagrams import DIAGRAMS

# Bump when the output for the same source changes, so the importer re-renders every lesson.
RENDERER_VERSION = "8"
WORDS_PER_MINUTE = 200
TOC_LEVELS = (2, 3)

_LATEX_ERRORS: tuple[type[Exception], ...] = tuple(
    value
    for value in vars(latex2mathml.exceptions).values()
    if isinstance(value, type) and issubclass(value, Exception)
) + (IndexError, KeyError, ValueError, TypeError)

_MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation", "merror",
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "accent",
    "accentunder", "lspace", "rspace", "columnalign", "columnspacing", "rowspacing",
    "displaystyle", "scriptlevel", "minsize", "maxsize", "movablelimits", "linethickness",
    "width", "height", "depth", "notation", "encoding", "symmetric", "largeop", "form",
}  # fmt: skip
_HTML_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class"},
    "a": {"href", "title", "target", "aria-label"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "ol": {"start"},
    "div": {"role", "aria-label"},
    "aside": {"role", "aria-label"},
    "span": {"aria-hidden"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_URL_SCHEMES = {"http", "https", "mailto"}

_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
_QUOTE_LINE = re.compile(r"^ {0,3}> ?(?P<text>.*)$")
_CAPTION_HTML = re.compile(
    r"^\s*<p[^>]*>\s*(?:<i>|<em>)?(?P<caption>.*?)(?:</i>|</em>)?\s*</p>\s*$", re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")
_EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)
_GENERIC_ALT = {"", "image", "my local image", "figure"}
_CODE_NODES = (
    ast.Call, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom,
    ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With, ast.Return,
    ast.Lambda, ast.Subscript, ast.Attribute, ast.ListComp, ast.Try,
)  # fmt: skip

_formatter = HtmlFormatter(nowrap=True)


@dataclass(frozen=True)
class Figure:
    """What to show for a figure file that is not there: one of our diagrams and/or a caption."""

    diagram: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class GlossaryLink:
    """A glossary entry as the renderer links it: the phrases that name it and its address."""

    phrases: tuple[str, ...]  # the term and its other forms ("GAN", "GANs")
    href: str
    title: str  # a short hint shown on hover (the term)


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, Any]]
    text: str
    word_count: int
    reading_minutes: int
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def heading_slug(text: str) -> str:
    """The anchor of a heading: lowercased, runs of non-alphanumerics -> one hyphen, trimmed."""
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or "section"


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


def _math_error(latex: str) -> str | None:
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


_md = _build_markdown()


def _looks_like_python(lines: list[str]) -> str | None:
    """The code of a blockquote whose lines form Python, else None."""
    code_lines: list[str] = []
    for raw in lines:
        line = _ESCAPED_PUNCTUATION.sub(r"\1", raw).rstrip()
        if not line.strip():
            continue
        previous = code_lines[-1] if code_lines else ""
        if previous.endswith(":") and not line.startswith((" ", "\t")):
            # The guide lost the indentation of one-line bodies (`def f():` / `return x`).
            indent = len(previous) - len(previous.lstrip())
            line = " " * (indent + 4) + line
        code_lines.append(line)
    if not code_lines:
        return None
    code = "\n".join(code_lines)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if not any(isinstance(node, _CODE_NODES) for node in ast.walk(tree)):
        return None
    return code


def quoted_code_to_fences(source: str) -> str:
    """Replace blockquotes that hold Python code by fenced Python blocks, keeping line count."""
    lines = source.split("\n")
    out: list[str] = []
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or not _QUOTE_LINE.match(line):
            out.append(line)
            index += 1
            continue
        end = index
        while end < len(lines) and _QUOTE_LINE.match(lines[end]):
            end += 1
        block = lines[index:end]
        lazy_continuation = end < len(lines) and lines[end].strip() != ""
        code = (
            None
            if lazy_continuation
            else _looks_like_python([m["text"] for m in (_QUOTE_LINE.match(b) for b in block) if m])
        )
        if code is None:
            out.extend(block)
        else:
            fenced = ["```python", *code.split("\n"), "```"]
            out.extend(fenced + [""] * max(0, len(block) - len(fenced)))
        index = end
    return "\n".join(out)


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type == "text":
            # A glossary pass may have joined soft line breaks into the text (see above).
            parts.append(child.content.replace("\n", " "))
        elif child.type in ("code_inline", "math_inline", "math_inline_double"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _caption_from_html(token: Token) -> str | None:
    if token.type != "html_block":
        return None
    match = _CAPTION_HTML.match(token.content)
    if not match:
        return None
    caption = html.unescape(_TAG.sub("", match["caption"]))
    return re.sub(r"\s+", " ", caption).strip() or None


def _figure_html(
    *, alt: str, src: str, caption: str | None, figure: Figure | None, slots: dict[str, str]
) -> str:
    if figure and figure.diagram:
        # Our own drawing: the original figure's caption (often a credit line) does not apply.
        words = [figure.caption] if figure.caption else []
    else:
        words = [part for part in (figure.caption if figure else None, caption) if part]
    if not words and alt.strip().lower() not in _GENERIC_ALT:
        words.append(alt.strip())
    caption_html = html.escape(" ".join(words)) if words else ""
    if figure and figure.diagram:
        slot = f"diagram-slot-{secrets.token_hex(8)}"
        slots[slot] = DIAGRAMS[figure.diagram]
        body = f"<p>{slot}</p>"
        css = "figure figure-diagram"
    else:
        label = html.escape(f"Figure not available ({src.rsplit('/', 1)[-1]})")
        body = f'<div class="figure-placeholder" role="img" aria-label="{label}">{label}</div>'
        css = "figure figure-missing"
    caption_block = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return f'<figure class="{css}">{body}{caption_block}</figure>\n'


def _is_missing(src: str) -> bool:
    # Course files are not served: any figure that is not an absolute web address is missing.
    return not _EXTERNAL.match(src)


class _GlossaryLinker:
    """Links the first use of each glossary term in one lesson; each term is linked once."""

    def __init__(self, links: Sequence[GlossaryLink]):
        self.by_phrase: dict[str, GlossaryLink] = {}
        for link in links:
            for phrase in link.phrases:
                self.by_phrase.setdefault(phrase.lower(), link)
        self.linked: set[str] = set()
        # Longest phrases first, so "variational autoencoder" wins over "autoencoder".
        phrases = sorted(self.by_phrase, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![\w-])(" + "|".join(_phrase_pattern(p) for p in phrases) + r")(?![\w-])",
                re.IGNORECASE,
            )
            if phrases
            else None
        )

    def link_children(self, children: list[Token]) -> list[Token]:
        if self.pattern is None:
            return children
        out: list[Token] = []
        link_depth = 0
        for child in _join_soft_breaks(children):
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth > 0:
                out.append(child)
                continue
            out.extend(self._split(child.content))
        return out

    def _split(self, text: str) -> list[Token]:
        assert self.pattern is not None
        pieces: list[Token] = []
        start = 0
        for match in self.pattern.finditer(text):
            link = self.by_phrase[" ".join(match[1].split()).lower()]
            if link.href in self.linked:
                continue
            self.linked.add(link.href)
            if match.start() > start:
                pieces.append(_text_token(text[start : match.start()]))
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": link.href, "class": "glossary-link", "title": link.title}
            pieces += [opening, _text_token(match[1]), Token("link_close", "a", -1)]
            start = match.end()
        if start < len(text) or not pieces:
            pieces.append(_text_token(text[start:]))
        return pieces


def _phrase_pattern(phrase: str) -> str:
    # A phrase may be broken over two source lines: any run of whitespace matches a space.
    return r"\s+".join(map(re.escape, phrase.split()))


def _join_soft_breaks(children: list[Token]) -> list[Token]:
    """Text tokens with the soft line breaks between them joined into one text token (which
    renders the same), so a term broken over two source lines is still found."""
    out: list[Token] = []
    for child in children:
        joinable = child.type in ("text", "softbreak")
        if joinable and out and out[-1].type == "text" and out[-1].meta.get("joined"):
            out[-1].content += child.content if child.type == "text" else "\n"
            continue
        if joinable:
            token = _text_token(child.content if child.type == "text" else "\n")
            token.meta["joined"] = True
            out.append(token)
            continue
        out.append(child)
    return out


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _transform(
    tokens: list[Token],
    figures: dict[str, Figure],
    slots: dict[str, str],
    glossary: Sequence[GlossaryLink] = (),
) -> tuple[list[Token], list[dict[str, Any]], list[tuple[int, str]]]:
    linker = _GlossaryLinker(glossary)
    in_heading = False
    toc: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    used_ids: set[str] = set()
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        line = (token.map[0] + 1) if token.map else 0
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        if token.type == "heading_open":
            text = _inline_text(tokens[index + 1]).strip()
            base = heading_slug(text)
            slug, number = base, 1
            while slug in used_ids:
                slug = f"{base}-{number}"
                number += 1
            used_ids.add(slug)
            token.attrSet("id", slug)
            level = int(token.tag[1])
            if level in TOC_LEVELS and text:
                toc.append({"level": level, "id": slug, "text": text})
        if token.type in ("math_block", "math_block_label"):
            message = _math_error(token.content.strip())
            if message:
                errors.append((line, message))
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style", None)
                token.attrSet("class", f"align-{style.split(':', 1)[1]}")
        if token.type == "paragraph_open" and index + 2 < len(tokens):
            inline = tokens[index + 1]
            images = [c for c in inline.children or [] if c.type == "image"]
            others = [
                c for c in inline.children or [] if c.type not in ("image", "softbreak")
                and not (c.type == "text" and not c.content.strip())
            ]  # fmt: skip
            if len(images) == 1 and not others and _is_missing(str(images[0].attrGet("src"))):
                image = images[0]
                src = str(image.attrGet("src"))
                after = index + 3
                caption = _caption_from_html(tokens[after]) if after < len(tokens) else None
                figure_token = Token("html_block", "", 0)
                figure_token.content = _figure_html(
                    alt=image.content,
                    src=src,
                    caption=caption,
                    figure=figures.get(src),
                    slots=slots,
                )
                figure_token.meta = {"plain": _TAG.sub(" ", figure_token.content)}
                figure_token.meta["plain"] = re.sub(
                    r"diagram-slot-\w+", "", figure_token.meta["plain"]
                )
                out.append(figure_token)
                index = after + (1 if caption else 0)
                continue
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("math_inline", "math_inline_double"):
                    message = _math_error(child.content.strip())
                    if message:
                        errors.append((line, message))
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if _EXTERNAL.match(href):
                        child.attrSet("target", "_blank")
                if child.type == "image" and _is_missing(str(child.attrGet("src"))):
                    child.type = "html_inline"
                    label = child.content.strip() or "figure"
                    child.content = (
                        f'<span class="figure-missing-inline">[{html.escape(label)}]</span>'
                    )
                    child.children = None
            if not in_heading and token.children:
                token.children = linker.link_children(token.children)
        out.append(token)
        index += 1
    return out, toc, errors


def _plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_inline_text(token))
        elif token.type in ("fence", "code_block", "math_block", "math_block_label"):
            parts.append(token.content)
        elif token.type == "html_block":
            plain = token.meta.get("plain") if token.meta else None
            parts.append(
                html.unescape(plain if plain is not None else _TAG.sub(" ", token.content))
            )
    return re.sub(r"[ \t]+", " ", "\n".join(part.strip() for part in parts if part.strip()))


def sanitize(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=_HTML_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def markdown_render(
    source: str,
    *,
    figures: dict[str, Figure] | None = None,
    glossary: Sequence[GlossaryLink] = (),
) -> Rendered:
    """Render a lesson body (front matter already removed); errors carry body line numbers."""
    prepared = quoted_code_to_fences(source)
    tokens = _md.parse(prepared, {})
    slots: dict[str, str] = {}
    tokens, toc, errors = _transform(tokens, figures or {}, slots, glossary)
    body = sanitize(_md.renderer.render(tokens, _md.options, {}))
    for slot, svg in slots.items():
        body = body.replace(f"<p>{slot}</p>", svg)
    text = _plain_text(tokens)
    words = len(text.split())
    return Rendered(
        html=body,
        toc=toc,
        text=text,
        word_count=words,
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        errors=errors,
    )


def markdown_fragment(source: str) -> str:
    """Render a short piece of markdown (a quiz prompt or explanation) to safe HTML."""
    return markdown_render(source).html


def markdown_inline(source: str) -> str:
    """Render one line of markdown (a quiz option) to safe inline HTML."""
    return sanitize(_md.renderInline(source))


def render_markdown(source: str) -> str:
    """Markdown to safe HTML (the name the grading app uses for exercise statements)."""
    return markdown_fragment(source)
