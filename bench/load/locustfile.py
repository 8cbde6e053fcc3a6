"""Simulated learners for Locust: each reads lessons, takes a quiz and submits exercises (right,
wrong and hostile answers), then polls the submission's status page as the page does until the
grading ends. bench/load/run.py starts the stack, writes the plan this file reads (ACADEMY_PLAN:
URLs, answers, one signed-in session per learner) and reads back the submissions seen.

Requests are named by page kind (lesson, quiz, attempt, exercise, submit, status), so Locust's
percentiles are per kind; `submit_to_result` is a custom event: from the submit POST to the
status page first reporting the grading finished.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["ACADEMY_PLAN"]).read_text())
SEEN_LOG = Path(os.environ["ACADEMY_SEEN"])
SESSIONS = count()
# What a learner may be told while a grading is under way; anything else is a final status.
PENDING = {"waiting", "queued", "running"}
POLL_SECONDS = 90
SUBMISSION_URL = re.compile(r"/submissions/(\d+)/")
QUESTION = re.compile(r'name="(q-[^"]+)" value="([^"]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Learner(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        session = PLAN["sessions"][next(SESSIONS) % len(PLAN["sessions"])]
        self.client.cookies.set(PLAN["session_cookie"], session)
        self.client.get("/", name="home")

    def csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    @task(6)
    def read_lesson(self) -> None:
        self.client.get(random.choice(PLAN["lessons"]), name="lesson")

    @task(2)
    def take_quiz(self) -> None:
        url = random.choice(PLAN["quizzes"])
        page = self.client.get(url, name="quiz")
        started = self.client.post(
            url, data={"csrfmiddlewaretoken": self.csrf(page.text)}, name="quiz_start"
        )
        if "/attempts/" not in started.url or "/results/" in started.url:
            return  # no attempt left: the learner saw their results
        choices: dict[str, str] = {}
        for name, value in QUESTION.findall(started.text):
            choices.setdefault(name, value or "0.5")
        data = {"csrfmiddlewaretoken": self.csrf(started.text), "action": "submit", **choices}
        self.client.post(started.url, data=data, name="attempt")

    @task(3)
    def submit_exercise(self) -> None:
        exercise = random.choice(PLAN["exercises"])
        kind = random.choices(["right", "wrong", "hostile"], weights=[6, 3, 1])[0]
        code = random.choice(exercise[kind])
        page = self.client.get(exercise["url"], name="exercise")
        data = {"csrfmiddlewaretoken": self.csrf(page.text)}
        data.update({f"code-{grade_id}": text for grade_id, text in code.items()})
        submitted_at = time.perf_counter()
        response = self.client.post(exercise["url"] + "submit/", data=data, name="submit")
        found = SUBMISSION_URL.search(response.url or "")
        if response.status_code != 200 or found is None:
            return
        pk = int(found.group(1))
        status_url = f"{exercise['url']}submissions/{pk}/status/"
        seen: list[str] = []
        final = None
        deadline = time.monotonic() + POLL_SECONDS
        while time.monotonic() < deadline:
            with self.client.get(status_url, name="status", catch_response=True) as polled:
                try:
                    body = polled.json()
                except ValueError:
                    polled.failure("the status page did not answer JSON")
                    body = {}
            status = body.get("status")
            if status is not None and (not seen or seen[-1] != status):
                seen.append(status)
            if body.get("finished"):
                final = status
                break
            time.sleep(1)
        elapsed_ms = (time.perf_counter() - submitted_at) * 1000
        events.request.fire(
            request_type="GRADE",
            name="submit_to_result",
            response_time=elapsed_ms,
            response_length=0,
            exception=None if final else TimeoutError("no result within the poll window"),
            context={},
        )
        with SEEN_LOG.open("a") as log:
            log.write(json.dumps({"pk": pk, "kind": kind, "seen": seen, "final": final}) + "\n")
