"""Finds the visible text of a Django template that is not marked for translation.

The template is cut into Django's own tokens; text inside {% translate %}, {% blocktranslate %}
and comments is replaced by a placeholder, and what is left is read as HTML: the text between
tags and the attributes people see or hear (title, alt, placeholder, aria-label, value of a
button) must hold no word. Code (<code>, <pre>, <script>, <style>) is not interface text.
A {{ variable }} may not carry a literal fallback (|default:"words") either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# Stands for anything Django fills in: a {{ variable }}, a tag, translated text.
PLACEHOLDER = "\ue000"
VISIBLE_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label", "label"})
CODE_ELEMENTS = frozenset({"code", "pre", "script", "style", "kbd", "samp"})
# The allow-list: text that is not a word of any language. Punctuation, digits and symbols
# (·, ›, ←, %, #, /, …) pass; so does a lone letter used as a symbol nowhere: none is allowed.
NON_WORD = re.compile(r"^[\W\d_]*$")
LITERAL_FALLBACK = re.compile(r"\|default(?:_if_none)?:(\"[^\"]*\"|'[^']*')")
TRANSLATION_TAGS = ("blocktranslate", "blocktrans")


@dataclass(frozen=True)
class Unmarked:
    line: int
    text: str


def _has_words(text: str) -> bool:
    return not NON_WORD.match(text.replace(PLACEHOLDER, ""))


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unmarked] = []
        self.code_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        is_button_value = tag == "input" and dict(attrs).get("type") in {"submit", "button"}
        for name, value in attrs:
            if value is None:
                continue
            visible = name in VISIBLE_ATTRIBUTES or (is_button_value and name == "value")
            if visible and _has_words(value):
                self.found.append(Unmarked(self.getpos()[0], f"{name}={value!r}"))

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.code_depth and _has_words(data):
            text = " ".join(data.replace(PLACEHOLDER, " ").split())
            self.found.append(Unmarked(self.getpos()[0], text))


def unmarked_text(source: str) -> list[Unmarked]:
    """The words of `source` (a template's text) that reach the page untranslated."""
    pieces: list[str] = []
    problems: list[Unmarked] = []
    inside_translation = False
    comment_depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name == "comment":
                comment_depth += 1
            elif name == "endcomment":
                comment_depth -= 1
            elif name in TRANSLATION_TAGS:
                inside_translation = True
            elif name in {f"end{tag}" for tag in TRANSLATION_TAGS}:
                inside_translation = False
        if token.token_type == TokenType.TEXT:
            keep_text = not inside_translation and not comment_depth
            # Newlines are kept so that the HTML parser's line numbers are the template's.
            pieces.append(
                token.contents if keep_text else re.sub(r"[^\n]+", PLACEHOLDER, token.contents)
            )
            continue
        # A literal fallback reaches the page from a {{ variable }} and from a tag's arguments
        # ({% blocktranslate with name=x|default:"..." %}) alike.
        if token.token_type in (TokenType.VAR, TokenType.BLOCK) and not comment_depth:
            for literal in LITERAL_FALLBACK.findall(token.contents):
                if _has_words(literal.strip("\"'")):
                    problems.append(Unmarked(token.lineno, token.contents))
        pieces.append(PLACEHOLDER)
    parser = _VisibleText()
    parser.feed("".join(pieces))
    parser.close()
    return sorted([*problems, *parser.found], key=lambda problem: problem.line)


def template_files(root: Path) -> list[Path]:
    """Every template of the project: templates/ and each app's */templates/."""
    found = set((root / "templates").rglob("*.html")) | set(root.glob("*/templates/**/*.html"))
    return sorted(path for path in found if ".venv" not in path.parts)
