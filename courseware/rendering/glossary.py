"""Glossary links: the first use of each glossary term in a lesson links to its entry.

Terms are found in text only (not in code, headings or links), also when a term is broken over
two source lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token


@dataclass(frozen=True)
class GlossaryLink:
    """A glossary entry as the renderer links it: the phrases that name it and its address."""

    phrases: tuple[str, ...]  # the term and its other forms ("GAN", "GANs")
    href: str
    title: str  # a short hint shown on hover (the term)


class GlossaryLinker:
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
