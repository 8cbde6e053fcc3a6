"""Error output reads like a notebook's (issue 12): the cause comes first (a syntax error with
its line, the time limit with its value, a print flood with its limit, running out of memory),
the tests that fail because of it are folded under it, and tracebacks show the learner's own
lines, never the grader's files. Graded in the real sandbox, rendered with the real template."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from grading.causes import Cause, first_cause, learner_cell_error, sentence
from grading.feedback import CellFeedback, Feedback, feedback_from_outcome, feedback_to_json
from grading.models import GradingRun
from grading.pipeline import LEARNER_OUTPUT_STOP, GradingOutcome
from sandbox import JobResult

SYNTAX_ERROR = "import numpy as np\ndef softmax(x):\n    y = 1 +\n    return x\n"
GRADER_FILES = ("/job/", "learner.py", "zygote", "learner.pyz", "grading/inside")


def _page(outcome: GradingOutcome) -> str:
    feedback = feedback_from_outcome(outcome=outcome, test_hints={})
    run = GradingRun(
        status=GradingRun.Status.GRADED,
        points=outcome.points,
        max_points=outcome.max_points,
        status_message=outcome.message,
        feedback=feedback_to_json(feedback),
    )
    return render_to_string("grading/_run_result.html", {"run": run, "pending": False})


def test_a_syntax_error_comes_first_with_its_line_and_the_failures_fold_under_it(grade) -> None:
    outcome = grade(SYNTAX_ERROR)

    assert outcome.cause == Cause(
        kind="syntax-error",
        summary="Your code has a syntax error on line 3: invalid syntax.",
        cell_id="answer",
        line=3,
        code="    y = 1 +",
        reason="syntax",
        error="invalid syntax",
    )
    html = _page(outcome)
    cause = html.index('id="cause"')
    assert cause < html.index("test_small") < html.index("NameError")
    # The six NameErrors of the later tests are there, folded under the cause.
    assert html.index('<details class="knock-on">') < html.index("NameError")
    assert html.count("NameError") == 1  # only the visible test shows a traceback
    assert 'data-line="3"' in html and 'data-cell="answer"' in html
    for name in GRADER_FILES:
        assert name not in html, name
        assert name not in outcome.learner_output, name
    assert "File &quot;&lt;cell answer&gt;&quot;, line 3" in html  # the learner's own traceback


def test_the_time_limit_is_the_cause_with_its_value(grade) -> None:
    outcome = grade("while True:\n    pass\n", seconds=2)

    assert outcome.cause == Cause(
        kind="time-limit",
        summary="Your code was stopped because it ran longer than the time limit of 2 seconds.",
        reason="wall-time",
        limit=2,
    )
    assert outcome.cause.summary in _page(outcome)


def test_a_print_flood_is_named_with_its_limit_and_not_a_crash(grade) -> None:
    outcome = grade("while True:\n    print('spam ' * 1000)\n")

    summary = f"Your code printed more than {LEARNER_OUTPUT_STOP // 1000} kB and was stopped."
    assert outcome.cause == Cause(
        kind="output-limit", summary=summary, reason="output", limit=LEARNER_OUTPUT_STOP // 1000
    )
    assert outcome.message == summary
    assert "crash" not in _page(outcome)


def test_running_out_of_memory_is_the_cause(grade) -> None:
    outcome = grade("x = bytearray(4 * 1024 ** 3)\n")

    # The kernel stops the job (no line to point at) or Python raises MemoryError in the cell.
    assert outcome.cause is not None
    assert outcome.cause.kind == "memory"
    assert "512 MB" in outcome.cause.summary


def test_a_learners_traceback_shows_their_lines_and_never_the_graders_files(grade) -> None:
    code = (
        "import numpy as np\n"
        "def helper(x):\n"
        "    return x / undefined_name\n"
        "\n"
        "def softmax(x):\n"
        "    return helper(x)\n"
    )
    outcome = grade(code)

    visible = outcome.cells[0]
    assert outcome.cause is None  # the cells ran; the tests failed on their own
    assert "NameError: name 'undefined_name' is not defined" in visible.traceback
    assert 'File "<cell answer>", line 3, in helper' in visible.traceback
    assert "return x / undefined_name" in visible.traceback
    for name in GRADER_FILES:
        assert name not in visible.traceback, name


def test_an_error_at_the_top_of_the_cell_is_the_cause_with_its_line(grade) -> None:
    outcome = grade("import numpy as np\nvalue = 1 / 0\n")

    assert outcome.cause == Cause(
        kind="error",
        summary="Your code raised ZeroDivisionError: division by zero on line 2.",
        cell_id="answer",
        line=2,
        code="value = 1 / 0",
        reason="raised",
        error="ZeroDivisionError: division by zero",
    )
    assert 'File "<cell answer>", line 2, in <module>' in outcome.learner_output
    for name in GRADER_FILES:
        assert name not in outcome.learner_output, name


def test_without_a_cause_a_failing_tests_traceback_shows_open() -> None:
    failing = CellFeedback(
        "test_small", 0.0, 1.0, False, False, traceback="AssertionError: " + "x" * 300
    )
    run = GradingRun(
        status=GradingRun.Status.GRADED,
        points=0,
        max_points=1,
        feedback=feedback_to_json(Feedback(cells=(failing,))),
    )
    html = render_to_string("grading/_run_result.html", {"run": run, "pending": False})

    assert 'id="cause"' not in html and "knock-on" not in html
    assert '<pre class="output">AssertionError: ' in html


def test_a_memory_error_in_a_cell_points_at_its_line() -> None:
    error = learner_cell_error(cell_id="answer", error="MemoryError:  (<cell answer>, line 4)")
    result = JobResult(
        exit_code=0,
        signal=None,
        stdout=b"",
        stderr=b"",
        timed_out=False,
        out_of_memory=False,
        output_truncated=False,
        wall_seconds=1.0,
        peak_memory_bytes=0,
    )

    cause = first_cause(
        result=result,
        learner_ready=True,
        errors=[error],
        answers={"answer": "a\nb\nc\nbig = [0] * 10**12\n"},
        wall_seconds=10,
        memory_mb=512,
        output_stop_bytes=LEARNER_OUTPUT_STOP,
    )

    assert cause == Cause(
        kind="memory",
        summary="Your code ran out of memory on line 4 (the limit is 512 MB).",
        cell_id="answer",
        line=4,
        code="big = [0] * 10**12",
        reason="cell-memory",
        limit=512,
    )


def test_an_error_naming_another_cell_points_nowhere() -> None:
    forged = learner_cell_error(cell_id="answer", error="ValueError: x (<cell setup>, line 9)")
    assert forged.line is None


def test_the_cause_reads_in_the_learners_language_and_is_stored_in_english(grade) -> None:
    """A worker may run in any language: the stored summary (and the API's) is English. The
    page says the cause in the reader's language, its parts (line, error, limit) kept."""
    with translation.override("es"):
        outcome = grade(SYNTAX_ERROR)
        spanish = _page(outcome)
    assert outcome.cause is not None
    assert outcome.cause.summary == "Your code has a syntax error on line 3: invalid syntax."
    assert "Tu código tiene un error de sintaxis en la línea 3: invalid syntax." in spanish
    assert outcome.cause.summary not in spanish
    assert outcome.cause.summary in _page(outcome)


def test_limits_read_as_the_reader_writes_numbers() -> None:
    with translation.override("es"):
        assert sentence(reason="wall-time", limit=2.5) == (
            "Tu código se detuvo porque se ejecutó más tiempo que el límite de 2,5 segundos."
        )
        assert sentence(reason="wall-time", limit=1) == (
            "Tu código se detuvo porque se ejecutó más tiempo que el límite de 1 segundo."
        )
    assert sentence(reason="cpu-time", limit=1) == (
        "Your code was stopped because it used more CPU time than the limit of 1 second."
    )


def test_a_cause_stored_before_its_parts_were_reads_as_stored() -> None:
    """Feedback of an older grading has a summary and no reason: the page shows the summary."""
    stored = {
        "cells": [],
        "learner_output": "",
        "message": "",
        "learner_errors": [],
        "timings": {},
        "cause": {"kind": "error", "summary": "Your code raised KeyError: 'a'.", "line": None},
    }
    run = GradingRun(status=GradingRun.Status.GRADED, points=0, max_points=1, feedback=stored)
    with translation.override("es"):
        page = render_to_string("grading/_run_result.html", {"run": run, "pending": False})
    assert "Your code raised KeyError: &#x27;a&#x27;." in page


def test_a_status_message_of_the_catalogue_reads_in_the_learners_language() -> None:
    from grading.execution import OUR_SIDE_MESSAGE

    failed = GradingRun(status=GradingRun.Status.FAILED, status_message=OUR_SIDE_MESSAGE)
    other = GradingRun(status=GradingRun.Status.FAILED, status_message="Killed by signal 11.")
    with translation.override("es"):
        page = render_to_string("grading/_run_result.html", {"run": failed, "pending": False})
        as_stored = render_to_string("grading/_run_result.html", {"run": other, "pending": False})
    assert "No hemos podido calificar esta entrega por un problema de nuestra parte" in page
    assert OUR_SIDE_MESSAGE not in page
    assert "Killed by signal 11." in as_stored
