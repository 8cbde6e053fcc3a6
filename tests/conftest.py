"""Fixtures shared by every test package: users of each role and small course folders."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.courseware.factories import UserFactory
from tests.courseware.mini_course import write_mini_course


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="teacher", is_staff=True)


@pytest.fixture
def mini_course_dir(tmp_path: Path) -> Path:
    """A small course folder (2 modules, 4 lessons, a quiz with every question type)."""
    return write_mini_course(tmp_path / "mini")


# Playwright's sync API keeps an event loop in the test thread; the ORM calls in browser tests are
# ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Debian Chromium for the whole session (Playwright allows one sync driver at a time);
    never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()
