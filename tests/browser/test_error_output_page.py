"""A graded submission's errors in Chromium at 375 px (issue 12): the cause first, the result
table inside the screen with a long assertion message wrapped, and the cause's link opening the
exercise with that line of the learner's code marked in the editor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from grading.causes import Cause
from grading.feedback import CellFeedback, Feedback, feedback_to_json
from grading.models import GradingRun, Submission
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CODE = "import numpy as np\ndef softmax(x):\n    y = 1 +\n    return x\n"
LONG_MESSAGE = "AssertionError: " + " ".join(f"value{number}" for number in range(120))


def test_errors_read_like_a_notebook_at_375_px(exercise, live_server, page) -> None:
    user = get_user_model().objects.create_user("nia", password="a-long-password-1")
    submission = Submission.objects.create(
        exercise=exercise,
        user=user,
        kind=Submission.Kind.CODE,
        payload=CODE,
        answers={"answer": CODE},
    )
    cause = Cause(
        kind="syntax-error",
        summary="Your code has a syntax error on line 3: invalid syntax.",
        cell_id="answer",
        line=3,
        code="    y = 1 +",
    )
    cells = (
        CellFeedback(
            "test_small_with_a_rather_long_name", 0.0, 1.0, False, False, traceback=LONG_MESSAGE
        ),
        CellFeedback("test_large_logits", 0.0, 2.0, False, True, hint="Check shapes."),
    )
    GradingRun.objects.create(
        submission=submission,
        status=GradingRun.Status.GRADED,
        points=0,
        max_points=3,
        feedback=feedback_to_json(Feedback(cells=cells, cause=cause)),
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "nia")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.goto(
        f"{live_server.url}/exercises/test-course/stable-softmax/submissions/{submission.pk}/"
    )

    summary = page.locator("#cause .cause-summary")
    assert summary.inner_text() == cause.summary
    assert page.evaluate(
        "document.querySelector('#cause').compareDocumentPosition("
        "document.querySelector('table.tests')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    # Nothing is wider than the screen: the table fits and the long message wraps.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    table = page.locator("table.tests").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 375
    # The failure that follows from the cause is folded; opened, its message wraps.
    page.locator("details.knock-on > summary").click()
    traceback = page.locator("details.knock-on pre.output")
    box = traceback.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375 and box["height"] > 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "submission-error-375")

    page.get_by_role("link", name="Show line 3 in the editor").click()
    marked = page.locator('.cm-editor[data-for="code-answer"] .cm-line.cm-error-line')
    marked.wait_for()
    assert marked.count() == 1
    assert marked.inner_text() == "    y = 1 +"
    screenshot(page, "exercise-error-line")
