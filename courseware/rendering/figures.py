"""Figures whose file is missing: our own diagram, or a captioned placeholder.

Course files are not served, so a figure that is not an absolute web address is shown as one of
our SVG diagrams (course.yaml's `figures:`) or as a placeholder that says what is missing.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass

from markdown_it.token import Token

from courseware.diagrams import DIAGRAMS

_CAPTION_HTML = re.compile(
    r"^\s*<p[^>]*>\s*(?:<i>|<em>)?(?P<caption>.*?)(?:</i>|</em>)?\s*</p>\s*$", re.DOTALL
)
TAG = re.compile(r"<[^>]+>")
EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)
_GENERIC_ALT = {"", "image", "my local image", "figure"}


@dataclass(frozen=True)
class Figure:
    """What to show for a figure file that is not there: one of our diagrams and/or a caption."""

    diagram: str | None = None
    caption: str | None = None


def caption_from_html(token: Token) -> str | None:
    if token.type != "html_block":
        return None
    match = _CAPTION_HTML.match(token.content)
    if not match:
        return None
    caption = html.unescape(TAG.sub("", match["caption"]))
    return re.sub(r"\s+", " ", caption).strip() or None


def figure_html(
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


def is_missing(src: str) -> bool:
    # Course files are not served: any figure that is not an absolute web address is missing.
    return not EXTERNAL.match(src)
