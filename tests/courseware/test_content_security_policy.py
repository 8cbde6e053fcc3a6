"""Every page carries a Content-Security-Policy that allows only our own scripts, and no page
needs anything it forbids: no inline script, no event-handler attribute, no style attribute."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from courseware.models import QuizAttempt

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "/courses/mini/",
    "/courses/mini/modules/basics/",
    "/courses/mini/lessons/tables-and-math/",
    "/courses/mini/modules/basics/quiz/",
    "/courses/mini/search/?q=math",
    "/courses/mini/dashboard/",
    "/courses/mini/teach/roster/",
    "/courses/mini/teach/enrol/",
)
ANONYMOUS_PAGES = ("/accounts/login/", "/accounts/signup/", "/courses/mini/")


class _InlineFinder(HTMLParser):
    """Collects what `script-src 'self'` and `style-src 'self'` would block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            self._in_script = "src" not in names
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"{tag} {name}=")
            if name == "style":
                self.blocked.append(f"{tag} style={value!r}")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.blocked.append(f"{tag} {name}=javascript:")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.blocked.append("inline <script>")


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_the_policy_allows_only_our_own_scripts(course, learner) -> None:
    client = Client()
    client.force_login(learner)
    response = client.get("/courses/mini/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_frame_ancestors_come_from_the_environment() -> None:
    """The LMS origins LTI embeds pages in; keywords may come without their quotes."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CSP_FRAME_ANCESTORS": "self, https://lms.example.edu",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[\"'self'\", 'https://lms.example.edu']"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_needs_what_the_policy_blocks(course, quiz, instructor, path) -> None:
    client = Client()
    client.force_login(instructor)
    response = client.get(path)
    assert response.status_code == 200
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    assert finder.blocked == []


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_no_anonymous_page_needs_what_the_policy_blocks(course, path) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    assert finder.blocked == []


def test_the_quiz_attempt_page_loads_its_scripts_from_static_files(quiz, learner) -> None:
    client = Client()
    client.force_login(learner)
    response = client.post("/courses/mini/modules/basics/quiz/")
    attempt = QuizAttempt.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    finder = _InlineFinder()
    finder.feed(html)
    assert finder.blocked == []
    assert re.findall(r'<script src="/static/js/[\w-]+\.js" defer></script>', html)


def test_progress_bars_need_no_style_attribute(course, learner) -> None:
    client = Client()
    client.force_login(learner)
    client.post("/courses/mini/lessons/tables-and-math/read/")
    html = client.get("/courses/mini/modules/basics/").content.decode()
    assert re.search(r'<progress class="progress__bar" max="100" value="\d+">', html)
