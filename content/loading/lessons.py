"""A lesson file (front matter, then Markdown) read, checked and rendered into a `LessonPlan`."""

from __future__ import annotations

import re

from content.loading.folder import CourseFolder, content_hash
from content.loading.manifest import LessonEntry
from content.loading.yaml_lines import LineMapping, line_of, yaml_load
from content.plan import LessonPlan
from courseware.rendering import RENDERER_VERSION, Figure, GlossaryLink, markdown_render


class AnyAnchor(set[str]):
    """The anchors of a lesson that could not be read: every anchor is accepted."""

    def __contains__(self, item: object) -> bool:
        return True


def lesson_anchors(plan: LessonPlan | None) -> set[str]:
    """The heading ids that questions may link to (all of them when the lesson had an error,
    so that its links are not reported a second time)."""
    if plan is None:
        return AnyAnchor()
    return set(re.findall(r'<h[1-6] id="([^"]+)"', plan.html))


def lesson_load(
    folder: CourseFolder,
    entry: LessonEntry,
    *,
    order: int,
    figures: dict[str, Figure],
    glossary_links: list[GlossaryLink],
) -> LessonPlan | None:
    path = folder.resolve(entry.file, line_of(entry.node, "file"), f"lesson {entry.slug!r}")
    if path is None:
        return None
    relative = str(entry.file)
    text = folder.read(path, relative)
    if text is None:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        folder.error(
            relative,
            1,
            "missing front matter: the file must start with ---, a line `title: ...` and ---",
        )
        return None
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        folder.error(relative, 1, "front matter is not closed by a --- line")
        return None
    title = _front_matter_title(folder, relative, "\n".join(lines[1:closing]))
    if title is None:
        return None
    body = "\n".join(lines[closing + 1 :])
    body_first_line = closing + 2
    used_figures = {name: figure for name, figure in figures.items() if name in body}
    rendered = markdown_render(body, figures=used_figures, glossary=glossary_links)
    for line, message in rendered.errors:
        folder.error(relative, body_first_line + line - 1, message)
    return LessonPlan(
        slug=entry.slug,
        title=title,
        path=relative,
        source=body,
        html=rendered.html,
        toc=rendered.toc,
        text=rendered.text,
        word_count=rendered.word_count,
        reading_minutes=rendered.reading_minutes,
        order=order,
        content_hash=content_hash(
            RENDERER_VERSION,
            title,
            body,
            {k: (f.diagram, f.caption) for k, f in used_figures.items()},
        ),
    )


def _front_matter_title(folder: CourseFolder, relative: str, text: str) -> str | None:
    """The lesson's title from its front matter (which starts on the file's second line)."""
    front, problem = yaml_load(text, first_line=2)
    if problem:
        folder.error(relative, problem[0], f"front matter: {problem[1]}")
        return None
    if (
        not isinstance(front, LineMapping)
        or not isinstance(front.get("title"), str)
        or not str(front.get("title")).strip()
    ):
        folder.error(relative, 2, "front matter: `title` is required")
        return None
    for key in front:
        if key != "title":
            folder.error(relative, 1 + line_of(front, key), f"front matter: unknown key {key!r}")
    return str(front["title"]).strip()
