"""The rendering pipeline: parse, transform the tokens, render, sanitize, put diagrams in.

The token pass gives headings their anchors (rule in content/AUTHORING.md), collects the table
of contents, marks external links, replaces missing figures, links glossary terms and records
content errors with their line numbers.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from courseware.rendering.figures import (
    EXTERNAL,
    TAG,
    Figure,
    caption_from_html,
    figure_html,
    is_missing,
)
from courseware.rendering.glossary import GlossaryLink, GlossaryLinker
from courseware.rendering.guide_source import quoted_code_to_fences
from courseware.rendering.markdown import markdown_parser, math_error
from courseware.rendering.sanitize import sanitize

# Bump when the output for the same source changes, so the importer re-renders every lesson.
RENDERER_VERSION = "8"
WORDS_PER_MINUTE = 200
TOC_LEVELS = (2, 3)


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


def _transform(
    tokens: list[Token],
    figures: dict[str, Figure],
    slots: dict[str, str],
    glossary: Sequence[GlossaryLink] = (),
) -> tuple[list[Token], list[dict[str, Any]], list[tuple[int, str]]]:
    linker = GlossaryLinker(glossary)
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
            message = math_error(token.content.strip())
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
            if len(images) == 1 and not others and is_missing(str(images[0].attrGet("src"))):
                image = images[0]
                src = str(image.attrGet("src"))
                after = index + 3
                caption = caption_from_html(tokens[after]) if after < len(tokens) else None
                figure_token = Token("html_block", "", 0)
                figure_token.content = figure_html(
                    alt=image.content,
                    src=src,
                    caption=caption,
                    figure=figures.get(src),
                    slots=slots,
                )
                figure_token.meta = {"plain": TAG.sub(" ", figure_token.content)}
                figure_token.meta["plain"] = re.sub(
                    r"diagram-slot-\w+", "", figure_token.meta["plain"]
                )
                out.append(figure_token)
                index = after + (1 if caption else 0)
                continue
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("math_inline", "math_inline_double"):
                    message = math_error(child.content.strip())
                    if message:
                        errors.append((line, message))
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if EXTERNAL.match(href):
                        child.attrSet("target", "_blank")
                if child.type == "image" and is_missing(str(child.attrGet("src"))):
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
            parts.append(html.unescape(plain if plain is not None else TAG.sub(" ", token.content)))
    return re.sub(r"[ \t]+", " ", "\n".join(part.strip() for part in parts if part.strip()))


def markdown_render(
    source: str,
    *,
    figures: dict[str, Figure] | None = None,
    glossary: Sequence[GlossaryLink] = (),
) -> Rendered:
    """Render a lesson body (front matter already removed); errors carry body line numbers."""
    prepared = quoted_code_to_fences(source)
    tokens = markdown_parser.parse(prepared, {})
    slots: dict[str, str] = {}
    tokens, toc, errors = _transform(tokens, figures or {}, slots, glossary)
    body = sanitize(markdown_parser.renderer.render(tokens, markdown_parser.options, {}))
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
    return sanitize(markdown_parser.renderInline(source))


def render_markdown(source: str) -> str:
    """Markdown to safe HTML (the name the grading app uses for exercise statements)."""
    return markdown_fragment(source)
