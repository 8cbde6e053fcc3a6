"""Lesson search: PostgreSQL full-text search, or a word match on other databases."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from courseware.models import Course, Lesson

SEARCH_LIMIT = 20
SNIPPET_RADIUS = 110


@dataclass
class SearchHit:
    lesson: Lesson
    snippet_html: str
    rank: float


def _marked(text: str, start: str, stop: str) -> str:
    """Escape a snippet whose matches are delimited by control characters, then mark them."""
    return html.escape(text).replace(start, "<mark>").replace(stop, "</mark>")


def _search_postgres(course: Course, query: str) -> list[SearchHit]:
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "text", weight="B", config="english"
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    start, stop = "\x02", "\x03"
    lessons = (
        Lesson.objects.filter(course=course, is_active=True, module__is_active=True)
        .annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .annotate(
            headline=SearchHeadline(
                "text",
                search_query,
                config="english",
                start_sel=start,
                stop_sel=stop,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .select_related("module")
        .order_by("-rank", "module__order", "order")[:SEARCH_LIMIT]
    )
    return [
        SearchHit(lesson=item, snippet_html=_marked(item.headline, start, stop), rank=item.rank)
        for item in lessons
    ]


def _snippet(text: str, words: list[str]) -> str:
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if lowered.find(word) >= 0]
    first = min(positions) if positions else 0
    start = max(0, first - SNIPPET_RADIUS)
    end = min(len(text), first + SNIPPET_RADIUS * 2)
    # Cut at word boundaries.
    while 0 < start < first and not text[start - 1].isspace():
        start += 1
    while end < len(text) and not text[end].isspace():
        end += 1
    excerpt = re.sub(r"\s+", " ", text[start:end]).strip()
    marked = html.escape(excerpt)
    for word in sorted(set(words), key=len, reverse=True):
        marked = re.sub(
            f"({re.escape(html.escape(word))})", r"<mark>\1</mark>", marked, flags=re.IGNORECASE
        )
    return ("… " if start else "") + marked + (" …" if end < len(text) else "")


def _search_fallback(course: Course, query: str) -> list[SearchHit]:
    words = [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:10]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    hits = []
    lessons = Lesson.objects.filter(
        condition, course=course, is_active=True, module__is_active=True
    )
    for lesson in lessons.select_related("module"):
        title, text = lesson.title.lower(), lesson.text.lower()
        rank = sum(3 * title.count(word) + text.count(word) for word in words)
        hits.append(SearchHit(lesson=lesson, snippet_html=_snippet(lesson.text, words), rank=rank))
    hits.sort(key=lambda hit: (-hit.rank, hit.lesson.module.order, hit.lesson.order))
    return hits[:SEARCH_LIMIT]


def lesson_search(*, course: Course, query: str) -> list[SearchHit]:
    """Lessons matching the query, best first, each with a highlighted snippet (safe HTML).

    PostgreSQL: full-text search (English stemming, websearch syntax) ranked by SearchRank with
    SearchHeadline snippets. Other databases: every word must appear (case-insensitive).
    """
    query = query.strip()[:200]
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(course, query)
    return _search_fallback(course, query)
