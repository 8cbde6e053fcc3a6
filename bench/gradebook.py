"""The gradebook's render time and query count for a course of 12 modules with 200 and then
2,000 learners (3 lessons, a quiz and 2 exercises per module; every learner with reads, two
quiz attempts, exercise progress and a graded submission per exercise), made with bulk_create
in a throwaway test database. The 200-learner figures are the baseline of the same run.

Prints `name value unit` lines: the median of --runs renders of the page sorted by name (one
page of 50) and by total (every learner scored, then paged), and of the two CSV exports read to
the end, each with its number of queries.
Usage: DATABASE_URL=postgres://... .venv/bin/python bench/gradebook.py [--runs N]
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
from tests.courseware.factories import UserFactory  # noqa: E402
from tests.gradebook.builder import add_learners, build_course  # noqa: E402

BOOK = "/courses/bench/teach/gradebook"
CASES = {
    "page_by_name": f"{BOOK}/?sort=name",
    "page_by_total": f"{BOOK}/?sort=-total",
    "export_gradebook": f"{BOOK}/export.csv",
    "export_submissions": f"{BOOK}/exercises/m1/ex1/submissions.csv",
}


def measure(client: Client, path: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds, queries and bytes of a GET read to its end."""
    times, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(captured), len(body)
    return statistics.median(times), queries, size


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
        made = 0
        for learners in (200, 2000):
            start = time.perf_counter()
            add_learners(built, count=learners - made, prefix=f"l{learners}-")
            made = learners
            print(f"setup_bulk_create_{learners} {time.perf_counter() - start:.1f} s")
            for name, path in CASES.items():
                millis, queries, size = measure(client, path, args.runs)
                print(f"gradebook_{name}_{learners} {millis:.0f} ms")
                print(f"gradebook_{name}_{learners}_queries {queries} queries")
                print(f"gradebook_{name}_{learners}_size {size / 1024:.0f} KiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
