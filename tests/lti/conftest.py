"""Fixtures of the LTI tests: a running third-party platform registered with the tool, a small
course with a quiz and an exercise, and the browser's side of an LTI launch over real HTTP."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from config.celery import app as celery_app
from courseware.models import Course, Module, Quiz
from grading.models import Exercise
from lti.services.platforms import platform_register
from tests.courseware.factories import QuestionFactory
from tests.lti.platform import LaunchSpec, LmsPlatform

QUIZ_TARGET = "quiz:algebra/basics"
EXERCISE_TARGET = "exercise:algebra/basics/ex1"


@pytest.fixture
def platform(transactional_db: Any, live_server: Any) -> Iterator[LmsPlatform]:
    test_platform = LmsPlatform(live_server.url)
    test_platform.start()
    platform_register(**test_platform.tool_values())
    yield test_platform
    test_platform.stop()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Grade sends run in the process that queues them (the HTTP to the platform stays real)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def course(transactional_db: Any) -> Course:
    course = Course.objects.create(slug="algebra", title="Algebra")
    module = Module.objects.create(course=course, slug="basics", title="Basics", order=1)
    quiz = Quiz.objects.create(module=module, title="Basics quiz", questions_per_attempt=2)
    QuestionFactory(quiz=quiz, slug="q1")
    QuestionFactory(quiz=quiz, slug="q2")
    Exercise.objects.create(
        module=module,
        slug="ex1",
        title="First exercise",
        source_notebook={},
        release_notebook={},
        max_points=10,
        content_hash="x",
    )
    return course


@dataclass
class LaunchOutcome:
    session: requests.Session
    response: requests.Response
    launch_data: dict[str, Any]


def continue_url(page: str) -> str:
    found = re.search(r'data-continue="([^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


def login_step(platform: LmsPlatform, spec: LaunchSpec, session: requests.Session) -> str:
    """The browser through the OIDC login: the cookie check page, then the redirect to the
    platform's authorisation endpoint. Returns that endpoint's URL with the tool's parameters."""
    first = session.get(platform.preflight_url(spec), allow_redirects=False)
    assert first.status_code == 200, first.text
    assert "Open Academy in a new window" in first.text
    second = session.get(platform.tool_url + continue_url(first.text), allow_redirects=False)
    assert second.status_code == 302, second.text
    return second.headers["Location"]


@pytest.fixture
def lti_launch(
    platform: LmsPlatform,
) -> Callable[..., LaunchOutcome]:
    def run(
        spec: LaunchSpec,
        *,
        session: requests.Session | None = None,
        tamper: Callable[[str], str] | None = None,
        between: Callable[[], None] | None = None,
        **conf: Any,
    ) -> LaunchOutcome:
        browser = session or requests.Session()
        auth_url = login_step(platform, spec, browser)
        if between is not None:
            between()
        data = platform.answer_auth(auth_url, spec, **conf)
        token = tamper(data["id_token"]) if tamper else data["id_token"]
        response = browser.post(
            data["launch_url"],
            data={"id_token": token, "state": data["state"]},
            allow_redirects=False,
        )
        return LaunchOutcome(session=browser, response=response, launch_data=data)

    return run
