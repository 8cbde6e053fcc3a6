"""Every exercise of the course, opened, submitted and passed by a learner in Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from grading.models import Exercise
from grading.notebooks import notebook_from_json, reference_answers
from tests.browser.conftest import screenshot
from tests.browser.editor import fill_code

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_each_exercise_can_be_passed_in_the_browser(worker, live_server, page) -> None:
    call_command("import_course", "content/gen-ai-guide", verbosity=0)
    get_user_model().objects.create_user("ada", password="a-long-password-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    exercises = list(Exercise.objects.filter(is_active=True).select_related("module__course"))
    assert len(exercises) >= 24
    failures = []
    for exercise in exercises:
        answers = reference_answers(notebook_from_json(exercise.source_notebook))
        base = f"{live_server.url}/exercises/{exercise.module.course.slug}/{exercise.slug}/"
        page.goto(base)
        assert "NotImplementedError" in page.input_value("#code-answer")
        fill_code(page, answers["answer"])
        page.click("#submit-graded")
        page.wait_for_selector(
            "#status[data-status=graded], #status[data-status=failed]", timeout=120_000
        )
        score = page.inner_text("#score") if page.query_selector("#score") else "no score"
        expected = f"{exercise.max_points:g} / {exercise.max_points:g}"
        if expected not in score:
            failures.append((exercise.slug, score))
            screenshot(page, f"exercise-failed-{exercise.slug}")
    assert failures == []
