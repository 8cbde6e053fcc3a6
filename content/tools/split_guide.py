"""One-off tool: cut the Generative AI guide (one markdown file) into the course folder.

This documents how content/gen-ai-guide/ was made; nothing imports it at run time and it reads
nothing at import. Usage (from the repository root):

    .venv/bin/python content/tools/split_guide.py /path/to/gen-ai-guide.md content/gen-ai-guide \
        [--clean] [--write-manifest] [--check-only]

How the split is made:

* The table of contents (TOC) at the top of the guide gives the structure: its numbered entries
  are the modules (slug = the entry's anchor, lowercased), the deepest bullets ("leaves") are the
  lessons (slug = the leaf's anchor, title = the leaf's TOC title). A chapter without bullets is
  one lesson. A lesson slug that was already used gets "-<module slug>" appended.
* The guide body (everything after the last TOC line) is walked line by line. Its headings use
  inconsistent levels and decorations (`### **X:**`, `#### [X](url)`, `### [X:](url)`), so a
  heading is matched to the *next* TOC entry in document order by normalized text (links
  reduced to their text, bold markers, punctuation and a trailing "(ABBR)" ignored).
  Headings that match no TOC entry are ordinary section headings inside the current lesson.
* Leaf heading -> the lesson's title (front matter). It is left out of the body, except when it
  carries a link: then it stays as a `##` heading so the link is not lost.
  Chapter and branch headings stay in the body as `##` headings, at the start of the first
  lesson of that chapter/branch, together with any intro text that follows them.
  Other headings become plain `##` headings (bold markers and trailing colons removed).
  Empty headings (`### `) are dropped. Every other line is copied unchanged, in order
  (the guide's blockquote code examples and 4-space indented paragraphs included).
* The original guide is copied verbatim to source/gen-ai-guide.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TOC_CHAPTER = re.compile(r"^(\d+)\.\s+\[(?P<title>[^\]]+)\]\(#(?P<anchor>[^)]+)\)\s*$")
TOC_BULLET = re.compile(r"^(?P<indent>\s+)-\s+\[(?P<title>[^\]]+)\]\(#(?P<anchor>[^)]+)\)\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*$")
SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

COURSE_SLUG = "gen-ai-guide"
COURSE_TITLE = "Generative AI Guide"
COURSE_DESCRIPTION = (
    "A broad, practical tour of generative AI, from the foundations to the models in use today. "
    "It starts with what AI, machine learning and generative models are, reviews the mathematics "
    "and neural-network basics they rest on, and then covers the main families of generative "
    "models: autoencoders and VAEs, GANs, transformers, diffusion models and recurrent networks. "
    "Later modules deal with training and evaluating generative models, the Python tools and "
    "deep learning frameworks used to build them, ethical and practical concerns such as "
    "deepfakes, bias and privacy, advanced topics like few-shot, zero-shot and transfer "
    "learning, applications and deployment, a survey of popular text, image, video and "
    "multimodal models, industry case studies, and resources for further learning."
)


@dataclass
class Node:
    title: str
    anchor: str
    depth: int  # 0 = chapter
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    # filled in for leaves
    slug: str = ""
    module: Node | None = None
    lines: list[str] = field(default_factory=list)
    heading_kept: bool = False
    heading_raw: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def strip_links(text: str) -> str:
    """Replace [label](url) by label; urls may contain balanced parentheses."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "[":
            close = text.find("]", i)
            if close != -1 and close + 1 < len(text) and text[close + 1] == "(":
                depth, j = 0, close + 1
                while j < len(text):
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                out.append(text[i + 1 : close])
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def has_link(text: str) -> bool:
    return strip_links(text) != text


def norm(text: str) -> str:
    return slugify(strip_links(text).replace("*", ""))


def title_keys(title: str) -> set[str]:
    keys = {norm(title)}
    without_abbr = re.sub(r"\s*\([^)]*\)\s*$", "", title)
    keys.add(norm(without_abbr))
    return keys


def clean_heading(text: str) -> str:
    """`**[X](url):**` -> `[X](url)`; `[X:](url)**:**` -> `[X](url)`."""
    t = text.replace("**", "").strip()
    t = re.sub(r"\s*:\s*\]\(", "](", t)  # colon inside link label
    t = re.sub(r"[\s:]+$", "", t)
    return t


def add_heading(out: list[str], text: str) -> None:
    """Append a `##` heading, with one blank line before it (none at the very start)."""
    if out and out[-1].strip():
        out.append("")
    out.append(f"## {text}")


def parse_toc(lines: list[str]) -> tuple[list[Node], int]:
    """Return the chapters and the index of the first body line."""
    chapters: list[Node] = []
    stack: list[tuple[int, Node]] = []
    last_toc_line = None
    for i, line in enumerate(lines):
        m = TOC_CHAPTER.match(line.rstrip())
        if m:
            node = Node(m["title"].strip(), m["anchor"].strip(), 0)
            chapters.append(node)
            stack = [(-1, node)]
            last_toc_line = i
            continue
        m = TOC_BULLET.match(line.rstrip())
        if m and chapters:
            indent = len(m["indent"].expandtabs(4))
            while len(stack) > 1 and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            node = Node(m["title"].strip(), m["anchor"].strip(), parent.depth + 1, parent=parent)
            parent.children.append(node)
            stack.append((indent, node))
            last_toc_line = i
            continue
        if HEADING.match(line) and chapters:
            break  # the body has started
    if last_toc_line is None:
        raise SystemExit("no table of contents found")
    return chapters, last_toc_line + 1


def preorder(nodes: list[Node]) -> Iterator[Node]:
    for n in nodes:
        yield n
        yield from preorder(n.children)


def leaves(node: Node) -> list[Node]:
    return [n for n in preorder([node]) if n.is_leaf]


def split(text: str) -> tuple[list[str], int, list[Node], list[str]]:
    lines = text.split("\n")
    chapters, body_start = parse_toc(lines)

    used: set[str] = set()
    for ch in chapters:
        ch.slug = ch.anchor.lower()
        for leaf in leaves(ch):
            leaf.module = ch
            slug = leaf.anchor.lower()
            if slug in used:
                slug = f"{slug}-{ch.slug}"
            assert slug not in used and SLUG_OK.match(slug), slug
            used.add(slug)
            leaf.slug = slug

    expected = list(preorder(chapters))
    pos = 0  # next TOC entry to find
    current: Node | None = None
    pending: list[str] = []  # chapter/branch headings and intro text, for the next leaf
    report: list[str] = []

    for lineno, line in enumerate(lines[body_start:], start=body_start + 1):
        m = HEADING.match(line)
        if m:
            raw = (m["text"] or "").strip()
            cleaned = clean_heading(raw)
            if not norm(cleaned):
                continue  # empty heading
            if pos < len(expected) and norm(cleaned) in title_keys(expected[pos].title):
                node = expected[pos]
                pos += 1
                report.append(
                    f"{lineno:5d} {'  ' * node.depth}{'LEAF ' if node.is_leaf else ''}"
                    f"{node.title!r} <- {line.strip()!r}"
                )
                if node.is_leaf:
                    current = node
                    node.heading_raw = raw
                    node.lines.extend(pending)
                    if pending and pending[-1].strip():
                        node.lines.append("")  # keep the next line out of the last paragraph
                    pending = []
                    if has_link(cleaned):
                        node.heading_kept = True
                        add_heading(node.lines, cleaned)
                else:
                    add_heading(pending, cleaned)
                continue
            later = [n for n in expected[pos:] if norm(cleaned) in title_keys(n.title)]
            if later:
                report.append(
                    f"{lineno:5d} WARNING heading {raw!r} matches a later TOC entry "
                    f"{later[0].title!r} but {expected[pos].title!r} is expected next"
                )
            line = f"## {cleaned}"
        (pending if current is None or pending else current.lines).append(line)

    if pos != len(expected):
        missing = ", ".join(repr(n.title) for n in expected[pos:])
        raise SystemExit(f"TOC entries not found in the body, in order: {missing}")
    if pending:
        raise SystemExit("text after the last chapter heading without a lesson")

    for ch in chapters:
        for leaf in leaves(ch):
            body = leaf.lines
            while body and not body[0].strip():
                body.pop(0)
            while body and not body[-1].strip():
                body.pop()
    return lines, body_start, chapters, report


def lesson_text(leaf: Node) -> str:
    front = yaml.safe_dump({"title": leaf.title}, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n" + "\n".join(leaf.lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("guide", type=Path)
    ap.add_argument("course_dir", type=Path)
    ap.add_argument("--clean", action="store_true", help="remove lessons/ before writing")
    ap.add_argument(
        "--write-manifest",
        action="store_true",
        help="(over)write course.yaml (it is written anyway when missing)",
    )
    ap.add_argument("--check-only", action="store_true", help="print the heading matches only")
    args = ap.parse_args(argv)

    text = args.guide.read_text(encoding="utf-8")
    _, _, chapters, report = split(text)
    print("\n".join(report))
    if args.check_only:
        return 0

    out = args.course_dir
    (out / "source").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.guide, out / "source" / "gen-ai-guide.md")
    lessons_dir = out / "lessons"
    if args.clean and lessons_dir.exists():
        shutil.rmtree(lessons_dir)

    modules = []
    for mi, ch in enumerate(chapters, start=1):
        mdir = f"lessons/{mi:02d}-{ch.slug}"
        entries = []
        for li, leaf in enumerate(leaves(ch), start=1):
            rel = f"{mdir}/{li:02d}-{leaf.slug}.md"
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(lesson_text(leaf), encoding="utf-8")
            entries.append({"slug": leaf.slug, "file": rel})
        modules.append({"slug": ch.slug, "title": ch.title, "lessons": entries})

    manifest = out / "course.yaml"
    if args.write_manifest or not manifest.exists():
        data = {
            "slug": COURSE_SLUG,
            "title": COURSE_TITLE,
            "description": COURSE_DESCRIPTION,
            "modules": modules,
        }
        manifest.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
    else:
        print(f"{manifest} exists, not rewritten (use --write-manifest)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
