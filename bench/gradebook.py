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

from classroom import classroom, learners_up_to, measure

BOOK = "/courses/bench/teach/gradebook"
CASES = {
    "page_by_name": f"{BOOK}/?sort=name",
    "page_by_total": f"{BOOK}/?sort=-total",
    "export_gradebook": f"{BOOK}/export.csv",
    "export_submissions": f"{BOOK}/exercises/m1/ex1/submissions.csv",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with classroom() as room:
        for learners, _ in learners_up_to(room):
            for name, path in CASES.items():
                timing = measure(room.client, path, args.runs)
                print(f"gradebook_{name}_{learners} {timing.millis:.0f} ms")
                print(f"gradebook_{name}_{learners}_queries {timing.queries} queries")
                print(f"gradebook_{name}_{learners}_size {timing.size / 1024:.0f} KiB", flush=True)


if __name__ == "__main__":
    main()
