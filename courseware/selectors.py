"""Reads of the courseware app: outlines, progress, search, quiz state and item analysis."""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from courseware.models import (
    Course,
    Enrolment,
    ExerciseProgress,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionResponse,
    Quiz,
    QuizAttempt,
)
from courseware.questions import answer_public, question_public, question_result

SEARCH_LIMIT = 20
SNIPPET_RADIUS = 110
DISCRIMINATION_GROUP = 0.27


# --------------------------------------------------------------------------- outline


def course_modules(*, course: Course) -> list[Module]:
    """Active modules with their active lessons (as `module.active_lessons`), in order."""
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    lessons = Lesson.objects.filter(course=course, is_active=True).order_by("order")
    by_module: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons.defer("source", "html", "text"):
        by_module[lesson.module_id].append(lesson)
    quizzes = {q.module_id: q for q in Quiz.objects.filter(module__course=course, is_active=True)}
    for module in modules:
        module.active_lessons = by_module[module.pk]  # type: ignore[attr-defined]
        module.active_quiz = quizzes.get(module.pk)  # type: ignore[attr-defined]
    return modules


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after this one, in course order."""
    ordered = list(
        Lesson.objects.filter(course_id=lesson.course_id, is_active=True, module__is_active=True)
        .order_by("module__order", "order")
        .only("pk", "slug", "title", "course_id")
    )
    index = next((i for i, item in enumerate(ordered) if item.pk == lesson.pk), None)
    if index is None:
        return None, None
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def lessons_read_ids(*, user: Any, course: Course) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        LessonRead.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )


# --------------------------------------------------------------------------- progress


@dataclass
class ModuleProgress:
    module: Module
    lessons_read: int = 0
    lessons_total: int = 0
    quiz: Quiz | None = None
    quiz_score: float | None = None  # the kept score (best or last, per quiz), 0..1
    quiz_attempts: int = 0
    exercises_done: int = 0
    exercise_points: float = 0.0
    exercise_max_points: float = 0.0

    @property
    def exercise_score(self) -> float | None:
        if not self.exercises_done or not self.exercise_max_points:
            return None
        return self.exercise_points / self.exercise_max_points


def _kept_scores(quizzes: dict[int, Quiz], attempts: Iterable[Any]) -> dict[tuple[int, int], Any]:
    """(user, quiz) -> (kept score, attempts), the kept score following the quiz's rule."""
    grouped: dict[tuple[int, int], list[tuple[datetime, float]]] = defaultdict(list)
    for user_id, quiz_id, score, submitted_at in attempts:
        grouped[(user_id, quiz_id)].append((submitted_at, score or 0.0))
    kept = {}
    for key, rows in grouped.items():
        quiz = quizzes[key[1]]
        score = max(s for _, s in rows) if quiz.keep == Quiz.Keep.BEST else max(rows)[1]
        kept[key] = (score, len(rows))
    return kept


def _progress(course: Course, user_ids: list[int]) -> dict[int, list[ModuleProgress]]:
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    totals = dict(
        Lesson.objects.filter(course=course, is_active=True)
        .values("module_id")
        .annotate(n=Count("pk"))
        .values_list("module_id", "n")
    )
    quizzes = {q.pk: q for q in Quiz.objects.filter(module__course=course, is_active=True)}
    quiz_by_module = {quiz.module_id: quiz for quiz in quizzes.values()}
    reads = {
        (user_id, module_id): n
        for user_id, module_id, n in LessonRead.objects.filter(
            user_id__in=user_ids, lesson__course=course, lesson__is_active=True
        )
        .values("user_id", "lesson__module_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "lesson__module_id", "n")
    }
    kept = _kept_scores(
        quizzes,
        QuizAttempt.objects.filter(
            user_id__in=user_ids, quiz__in=list(quizzes), status=QuizAttempt.Status.SUBMITTED
        ).values_list("user_id", "quiz_id", "score", "submitted_at"),
    )
    exercises = {
        (row["user_id"], row["module_id"]): row
        for row in ExerciseProgress.objects.filter(user_id__in=user_ids, module__course=course)
        .values("user_id", "module_id")
        .annotate(done=Count("pk"), points=Sum("best_points"), max_points=Sum("max_points"))
    }
    table: dict[int, list[ModuleProgress]] = {}
    for user_id in user_ids:
        row = []
        for module in modules:
            quiz = quiz_by_module.get(module.pk)
            score, attempts = kept.get((user_id, quiz.pk), (None, 0)) if quiz else (None, 0)
            exercise: Mapping[str, Any] = exercises.get((user_id, module.pk)) or {}
            row.append(
                ModuleProgress(
                    module=module,
                    lessons_read=reads.get((user_id, module.pk), 0),
                    lessons_total=totals.get(module.pk, 0),
                    quiz=quiz,
                    quiz_score=score,
                    quiz_attempts=attempts,
                    exercises_done=exercise.get("done", 0),
                    exercise_points=exercise.get("points") or 0.0,
                    exercise_max_points=exercise.get("max_points") or 0.0,
                )
            )
        table[user_id] = row
    return table


def module_progress_for_user(*, user: Any, course: Course) -> list[ModuleProgress]:
    """Per module: lessons read of total, the kept quiz score, the best exercise scores."""
    if not user.is_authenticated:
        return _progress(course, [0])[0]
    return _progress(course, [user.pk])[user.pk]


@dataclass
class ProgressTable:
    modules: list[Module]
    rows: list[tuple[Any, list[ModuleProgress]]] = field(default_factory=list)


def course_progress_table(*, course: Course) -> ProgressTable:
    """Learners (everyone enrolled) by modules, for the instructor dashboard."""
    user_ids = list(
        Enrolment.objects.filter(course=course)
        .order_by("user__username")
        .values_list("user_id", flat=True)
    )
    users = get_user_model().objects.in_bulk(user_ids)
    progress = _progress(course, user_ids)
    modules = list(course.modules.filter(is_active=True).order_by("order"))
    return ProgressTable(
        modules=modules, rows=[(users[user_id], progress[user_id]) for user_id in user_ids]
    )


# --------------------------------------------------------------------------- search


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


# --------------------------------------------------------------------------- quizzes


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    kept_score: float | None
    attempts_left: int | None
    next_start_at: datetime | None
    can_start: bool
    reason: str


def quiz_status_for_user(*, user: Any, quiz: Quiz, now: datetime | None = None) -> QuizStatus:
    now = now or timezone.now()
    attempts = (
        list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))
        if user.is_authenticated
        else []
    )
    submitted = [a for a in attempts if a.is_submitted]
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    kept = None
    if submitted:
        scores = [a.score or 0.0 for a in submitted]
        kept = max(scores) if quiz.keep == Quiz.Keep.BEST else scores[-1]
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(submitted))
    next_start = None
    if quiz.cooldown_minutes and submitted and submitted[-1].submitted_at:
        ready = submitted[-1].submitted_at + timedelta(minutes=quiz.cooldown_minutes)
        next_start = ready if ready > now else None
    reason = ""
    if left == 0:
        reason = "You have used all your attempts."
    elif next_start is not None:
        reason = f"The next attempt opens at {timezone.localtime(next_start):%H:%M}."
    return QuizStatus(
        quiz=quiz,
        attempts=attempts,
        open_attempt=open_attempt,
        kept_score=kept,
        attempts_left=left,
        next_start_at=next_start,
        can_start=open_attempt is not None or not reason,
        reason=reason,
    )


def attempt_get_for_user(*, attempt_id: int, user: Any) -> QuizAttempt | None:
    """The learner's own attempt, or None (another learner's attempt is not found)."""
    if not user.is_authenticated:
        return None
    return (
        QuizAttempt.objects.filter(pk=attempt_id, user=user)
        .select_related("quiz__module__course")
        .first()
    )


def _attempt_questions(attempt: QuizAttempt) -> list[Question]:
    by_pk = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return [by_pk[pk] for pk in attempt.question_ids if pk in by_pk]


def attempt_questions_public(*, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """The attempt's questions as shown before submission, with the saved answers.

    Holds no correct answer, correct flag or explanation.
    """
    items = []
    for question in _attempt_questions(attempt):
        order = attempt.option_order.get(question.slug)
        item = question_public(
            spec=question.spec, key=question.slug, seed=attempt.seed, option_order=order
        )
        item["saved"] = answer_public(
            spec=question.spec, option_order=order, answer=attempt.answers.get(question.slug)
        )
        items.append(item)
    return items


def attempt_results(*, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """Per question: the learner's answer, the correct one, score and explanation."""
    if not attempt.is_submitted:
        raise ValueError("results exist only for submitted attempts")
    items = []
    for question in _attempt_questions(attempt):
        result = attempt.results.get(question.slug, {"score": 0.0})
        items.append(
            question_result(
                spec=question.spec,
                key=question.slug,
                seed=attempt.seed,
                option_order=attempt.option_order.get(question.slug),
                answer=attempt.answers.get(question.slug),
                score=float(result["score"]),
            )
        )
    return items


# --------------------------------------------------------------------------- item analysis


@dataclass
class OptionPicks:
    option_id: str
    text: str
    is_correct: bool
    picks: int


@dataclass
class ItemStats:
    question: Question
    responses: int = 0
    share_correct: float | None = None
    mean_score: float | None = None
    discrimination: float | None = None  # share correct, upper 27% minus lower 27%
    options: list[OptionPicks] = field(default_factory=list)

    @property
    def wrong_picks(self) -> int:
        return sum(option.picks for option in self.options if not option.is_correct)


def quiz_item_analysis(*, quiz: Quiz) -> list[ItemStats]:
    """Classical item analysis over all submitted attempts of a quiz.

    Discrimination compares the share correct among the attempts in the top 27% by total score
    with the share in the bottom 27% (None until both groups answered the question).
    """
    ranked = list(
        QuizAttempt.objects.filter(quiz=quiz, status=QuizAttempt.Status.SUBMITTED)
        .order_by("score", "pk")
        .values_list("pk", flat=True)
    )
    group = math.ceil(DISCRIMINATION_GROUP * len(ranked)) if len(ranked) >= 2 else 0
    lower = set(ranked[:group])
    upper = set(ranked[len(ranked) - group :]) if group else set()
    stats = {
        q.pk: ItemStats(
            question=q,
            options=[
                OptionPicks(option_id=o["id"], text=o["text"], is_correct=o["correct"], picks=0)
                for o in q.spec.get("options", [])
            ],
        )
        for q in quiz.questions.order_by("order")
    }
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    responses = QuestionResponse.objects.filter(attempt__quiz=quiz).values_list(
        "question_id", "attempt_id", "answer", "score", "is_correct"
    )
    for question_id, attempt_id, answer, score, is_correct in responses:
        item = stats.get(question_id)
        if item is None:
            continue
        sums = totals[question_id]
        sums["n"] += 1
        sums["correct"] += is_correct
        sums["score"] += score
        for name, members in (("upper", upper), ("lower", lower)):
            if attempt_id in members:
                sums[f"{name}_n"] += 1
                sums[f"{name}_correct"] += is_correct
        chosen = set(answer) if isinstance(answer, list) else {answer}
        for option in item.options:
            option.picks += option.option_id in chosen
    for question_id, item in stats.items():
        found = totals.get(question_id)
        if not found or not found["n"]:
            continue
        sums = found
        item.responses = int(sums["n"])
        item.share_correct = sums["correct"] / sums["n"]
        item.mean_score = sums["score"] / sums["n"]
        if sums["upper_n"] and sums["lower_n"]:
            item.discrimination = (
                sums["upper_correct"] / sums["upper_n"] - sums["lower_correct"] / sums["lower_n"]
            )
    return list(stats.values())


def course_quizzes(*, course: Course) -> list[Quiz]:
    return list(
        Quiz.objects.filter(module__course=course, is_active=True)
        .select_related("module")
        .annotate(submitted=Count("attempts", filter=Q(attempts__status="submitted")))
        .order_by("module__order")
    )
