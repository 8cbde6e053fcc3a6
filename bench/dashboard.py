"""The instructor dashboard's render time and query count for a course of 12 modules with 200
and then 2,000 learners (the gradebook benchmark's course and activity: tests.gradebook.builder),
in a throwaway test database. The 200-learner figures are the baseline of the same run.

Prints `name value unit` lines: the median of --runs renders of the overview (heatmap and needs
attention), of the overview with every rule at its most sensitive, of one learner's page, and of
an exercise's submissions (latest per learner, one page), each with its number of queries. Then
copydetect over 150 learners' submissions of real-looking code (the similarity page's bound).
Usage: DATABASE_URL=postgres://... .venv/bin/python bench/dashboard.py [--runs N]
"""

from __future__ import annotations

import argparse
import time

from classroom import classroom, learners_up_to, measure

from dashboard.selectors.similarity import MAX_LEARNERS, exercise_similarity
from grading.models import Submission

BASE = "/courses/bench/dashboard"
CODE = """def softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with classroom() as room:
        for learners, first_learner in learners_up_to(room):
            cases = {
                "overview": f"{BASE}/",
                "overview_sensitive": f"{BASE}/?days=1&failures=1&behind=1",
                "learner_page": f"{BASE}/learners/{first_learner}/",
                "submissions_latest": f"{BASE}/exercises/m1/ex1/submissions/?latest=on",
            }
            for name, path in cases.items():
                timing = measure(room.client, path, args.runs)
                print(f"dashboard_{name}_{learners} {timing.millis:.0f} ms")
                print(f"dashboard_{name}_{learners}_queries {timing.queries} queries", flush=True)
        exercise = room.built.exercises[room.built.modules[0].pk][0]
        for number, submission in enumerate(Submission.objects.filter(exercise=exercise)):
            code = CODE.replace("-1", str(-1 - number % 3)) + "\n# ok\n" * (number % 4)
            Submission.objects.filter(pk=submission.pk).update(answers={"softmax": code})
        start = time.perf_counter()
        report = exercise_similarity(exercise=exercise)
        print(f"similarity_{MAX_LEARNERS}_learners {(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"similarity_{MAX_LEARNERS}_learners_pairs {len(report.pairs)} pairs")


if __name__ == "__main__":
    main()
