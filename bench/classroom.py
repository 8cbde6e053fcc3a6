"""What the dashboard and gradebook benchmarks share: Django set up on the test settings, a
throwaway test database holding the builder's course of 12 modules (tests.gradebook.builder)
with its instructor signed in, learners added in bulk, and the timing of one page.

Import it first in a benchmark: it puts the project on the path and sets Django up."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
from tests.gradebook.builder import BuiltCourse, add_learners, build_course  # noqa: E402

SIZES = (200, 2000)  # learners: the first figures are the baseline of the same run


@dataclass(frozen=True)
class Classroom:
    built: BuiltCourse
    client: Client  # signed in as the course's instructor


@dataclass(frozen=True)
class Timing:
    millis: float  # the median of the runs
    queries: int
    size: int  # bytes of the body, read to its end


@contextmanager
def classroom() -> Iterator[Classroom]:
    """The course and its instructor's client in a test database dropped afterwards."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        built = build_course(slug="bench", modules=12, lessons_per_module=3, exercises_per_module=2)
        instructor = UserFactory(username="bench-instructor")
        enrol_with_role(user_id=instructor.pk, course=built.course, role=CourseRole.INSTRUCTOR)
        client = Client()
        client.force_login(instructor)
        yield Classroom(built=built, client=client)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def learners_up_to(room: Classroom, sizes: tuple[int, ...] = SIZES) -> Iterator[tuple[int, int]]:
    """Grow the class to each size in turn, printing the setup time; yields (size, the pk of
    the first learner added)."""
    made, first = 0, 0
    for learners in sizes:
        start = time.perf_counter()
        pks = add_learners(room.built, count=learners - made, prefix=f"l{learners}-")
        first = first or pks[0]
        made = learners
        print(f"setup_bulk_create_{learners} {time.perf_counter() - start:.1f} s", flush=True)
        yield learners, first


def measure(client: Client, path: str, runs: int) -> Timing:
    """The median time, the queries and the size of a GET (a streamed body read to its end)."""
    times, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(captured), len(body)
    return Timing(millis=statistics.median(times), queries=queries, size=size)
