"""Code similarity across an exercise's submissions, with copydetect (winnowed fingerprints, as
MOSS does): each learner's latest submission against every other's, the exercise's starter code
taken out as boilerplate. Only listed for the teaching staff to review: nothing is flagged on a
learner's record and nothing is acted on.

Bounded: the newest MAX_LEARNERS learners' latest submissions, so at most
MAX_LEARNERS x (MAX_LEARNERS - 1) / 2 comparisons. They run in a Celery task
(dashboard.tasks.similarity_compute), never in the page's request; the page reads the stored
report (`stored_similarity`)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from copydetect import CodeFingerprint, compare_files
from django.db.models import OuterRef, Subquery

from dashboard.models import SimilarityRun
from grading.models import Exercise, Submission

MAX_LEARNERS = 150
NOISE_TOKENS = 25  # copydetect's default: shorter matches are noise
WINDOW = 6  # matches of NOISE_TOKENS + WINDOW - 1 tokens are always found
LISTED_FROM = 0.5  # a pair is listed when one side's code is at least this share shared


@dataclass(frozen=True)
class SimilarPair:
    first: Submission
    second: Submission
    first_share: float  # of the first's code, the share also in the second's
    second_share: float
    shared_tokens: int

    @property
    def share(self) -> float:
        return max(self.first_share, self.second_share)


@dataclass(frozen=True)
class SimilarityReport:
    compared: int  # submissions compared
    limited: bool  # more learners submitted than were compared
    pairs: list[SimilarPair]


def _code(answers: dict[str, Any]) -> str:
    return "\n\n".join(str(answers[key]) for key in sorted(answers))


def _fingerprint(name: str, code: str, boilerplate: list[int]) -> Any:
    return CodeFingerprint(
        f"{name}.py",
        NOISE_TOKENS,
        WINDOW,
        boilerplate=boilerplate,
        language="python",
        fp=io.StringIO(code),
    )


def exercise_similarity(
    *, exercise: Exercise, listed_from: float = LISTED_FROM
) -> SimilarityReport:
    """The pairs of learners whose latest submissions share the most code, most similar first."""
    newest = Submission.objects.filter(exercise=exercise, user=OuterRef("user")).order_by(
        "-created_at", "-pk"
    )
    latest = list(
        Submission.objects.filter(exercise=exercise, pk=Subquery(newest.values("pk")[:1]))
        .select_related("user")
        .order_by("-created_at", "-pk")[: MAX_LEARNERS + 1]
    )
    limited = len(latest) > MAX_LEARNERS
    latest = latest[:MAX_LEARNERS]
    starter = _code(exercise.starter_code or {})
    boilerplate = list(_fingerprint("starter", starter, []).hashes) if starter.strip() else []
    prints = []
    for submission in latest:
        found = _fingerprint(str(submission.pk), _code(submission.answers), boilerplate)
        if found.hashes:
            prints.append((submission, found))
    pairs = []
    for index, (first, first_print) in enumerate(prints):
        for second, second_print in prints[index + 1 :]:
            tokens, (first_share, second_share), _ = compare_files(first_print, second_print)
            if max(first_share, second_share) >= listed_from:
                pairs.append(
                    SimilarPair(first, second, float(first_share), float(second_share), int(tokens))
                )
    pairs.sort(key=lambda pair: (-pair.share, pair.first.pk, pair.second.pk))
    return SimilarityReport(compared=len(latest), limited=limited, pairs=pairs)


def pairs_to_json(pairs: list[SimilarPair]) -> list[dict[str, Any]]:
    """The stored form of a report's pairs (SimilarityRun.pairs): submission pks and shares."""
    return [
        {
            "first": pair.first.pk,
            "second": pair.second.pk,
            "first_share": pair.first_share,
            "second_share": pair.second_share,
            "shared_tokens": pair.shared_tokens,
        }
        for pair in pairs
    ]


@dataclass(frozen=True)
class StoredSimilarity:
    """The exercise's similarity row as the page shows it: the last report (None before the
    first is computed) and whether a new one is being computed."""

    run: SimilarityRun | None
    report: SimilarityReport | None

    @property
    def is_computing(self) -> bool:
        return self.run is not None and self.run.is_computing


def stored_similarity(*, exercise: Exercise) -> StoredSimilarity:
    """The last computed report of the exercise, with the pairs' submissions and learners (a
    pair whose submission is gone is left out), in three queries."""
    run = SimilarityRun.objects.filter(exercise=exercise).first()
    if run is None or run.computed_at is None or run.status == SimilarityRun.Status.FAILED:
        return StoredSimilarity(run=run, report=None)
    stored = [item for item in run.pairs if isinstance(item, dict)]
    submissions = Submission.objects.select_related("user").in_bulk(
        {int(item["first"]) for item in stored} | {int(item["second"]) for item in stored}
    )
    pairs = [
        SimilarPair(
            first=submissions[int(item["first"])],
            second=submissions[int(item["second"])],
            first_share=float(item["first_share"]),
            second_share=float(item["second_share"]),
            shared_tokens=int(item["shared_tokens"]),
        )
        for item in stored
        if int(item["first"]) in submissions and int(item["second"]) in submissions
    ]
    report = SimilarityReport(compared=run.compared, limited=run.limited, pairs=pairs)
    return StoredSimilarity(run=run, report=report)
