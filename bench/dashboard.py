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
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from courseware.enrolment import enrol_with_role  # noqa: E402
from courseware.models import CourseRole  # noqa: E402
from dashboard.selectors.similarity import MAX_LEARNERS, exercise_similarity  # noqa: E402
from grading.models import Submission  # noqa: E402
from tests.courseware.factories import UserFactory  # noqa: E402
from tests.gradebook.builder import add_learners, build_course  # noqa: E402

BASE = "/courses/bench/dashboard"
CODE = """def softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)
"""


def measure(client: Client, path: str, runs: int) -> tuple[float, int]:
    """Median milliseconds and the queries of a GET."""
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        built = build_course(slug="bench", modules=12, lessons_per_module=3, exercises_per_module=2)
        instructor = UserFactory(username="bench-instructor")
        enrol_with_role(user_id=instructor.pk, course=built.course, role=CourseRole.INSTRUCTOR)
        client = Client()
        client.force_login(instructor)
        made, first_learner = 0, 0
        for learners in (200, 2000):
            start = time.perf_counter()
            pks = add_learners(built, count=learners - made, prefix=f"l{learners}-")
            first_learner = first_learner or pks[0]
            made = learners
            print(f"setup_bulk_create_{learners} {time.perf_counter() - start:.1f} s")
            cases = {
                "overview": f"{BASE}/",
                "overview_sensitive": f"{BASE}/?days=1&failures=1&behind=1",
                "learner_page": f"{BASE}/learners/{first_learner}/",
                "submissions_latest": f"{BASE}/exercises/m1/ex1/submissions/?latest=on",
            }
            for name, path in cases.items():
                millis, queries = measure(client, path, args.runs)
                print(f"dashboard_{name}_{learners} {millis:.0f} ms")
                print(f"dashboard_{name}_{learners}_queries {queries} queries")
        exercise = built.exercises[built.modules[0].pk][0]
        for number, submission in enumerate(Submission.objects.filter(exercise=exercise)):
            code = CODE.replace("-1", str(-1 - number % 3)) + "\n# ok\n" * (number % 4)
            Submission.objects.filter(pk=submission.pk).update(answers={"softmax": code})
        start = time.perf_counter()
        report = exercise_similarity(exercise=exercise)
        print(f"similarity_{MAX_LEARNERS}_learners {(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"similarity_{MAX_LEARNERS}_learners_pairs {len(report.pairs)} pairs")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
