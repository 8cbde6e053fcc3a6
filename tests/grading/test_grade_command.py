"""`manage.py grade`: what the learner would see, in text and JSON, hidden failures for the author
with --show-hidden, the exercise's device and limits, the seed, and nothing left behind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import nbformat
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from nbformat.v4 import new_markdown_cell

from grading.execution import grading_limits_for
from grading.models import Exercise
from grading.pipeline import GradingLimits
from tests.grading.exercise_factory import make_exercise
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook, setup_cell

HINT = "A hidden test failed: check edge cases and shapes."
HIDDEN_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "<test_hidden>", line 2, in <module>\n'
    "AssertionError: double(-3) should be -6\n"
)
VISIBLE_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "<test_visible>", line 2, in <module>\n'
    "    assert double(2) == 4, 'double(2) should be 4'\n"
    "            ^^^^^^^^^^^^^^\n"
    "AssertionError: double(2) should be 4\n"
)


def double_notebook() -> nbformat.NotebookNode:
    return notebook(
        new_markdown_cell("Write `double`."),
        setup_cell("import math"),
        answer_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
        ),
        grade_cell(
            "print('seed', GRADING_SEED)\nassert double(2) == 4, 'double(2) should be 4'",
            "test_visible",
            1,
        ),
        grade_cell(
            "### BEGIN HIDDEN TESTS\n"
            "print('hidden check of double(-3)')\n"
            "assert double(-3) == -6, 'double(-3) should be -6'\n"
            "### END HIDDEN TESTS",
            "test_hidden",
            2,
        ),
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    nbformat.write(double_notebook(), str(tmp_path / "double.ipynb"))
    # Right on the visible input, wrong on the hidden negative one; prints what it is called with.
    (tmp_path / "abs.py").write_text(
        "def double(x):\n    print('called with', x)\n    return abs(x) * 2\n"
    )
    (tmp_path / "triple.py").write_text("def double(x):\n    return 3 * x\n")
    (tmp_path / "loop.py").write_text("while True:\n    pass\n")
    return tmp_path


def _grade(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("grade", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_shows_what_the_learner_sees(files) -> None:
    out, _ = _grade(str(files / "abs.py"), "--source", str(files / "double.ipynb"), "--seed", "7")
    assert out.splitlines() == [
        "double: seed 7, python-cpu, wall 30 s, memory 1024 MB",
        "pass  test_visible: 1/1",
        "      output:",
        "      | seed 7",
        "FAIL  test_hidden (hidden): 0/2",
        f"      hint: {HINT}",
        "What your code printed:",
        "| called with 2",
        "Total: 1/3",
    ]
    assert "double(-3)" not in out and "called with -3" not in out


def test_text_with_show_hidden_adds_the_hidden_failures(files) -> None:
    arguments = ("--source", str(files / "double.ipynb"), "--seed", "7", "--show-hidden")
    out, _ = _grade(str(files / "triple.py"), *arguments)
    assert out.splitlines() == [
        "double: seed 7, python-cpu, wall 30 s, memory 1024 MB",
        "FAIL  test_visible: 0/1",
        "      output:",
        "      | seed 7",
        "      traceback:",
        *[f"      | {line}" for line in VISIBLE_TRACEBACK.splitlines()],
        "FAIL  test_hidden (hidden): 0/2",
        f"      hint: {HINT}",
        "      hidden output (authors only):",
        "      | hidden check of double(-3)",
        "      hidden traceback (authors only):",
        *[f"      | {line}" for line in HIDDEN_TRACEBACK.splitlines()],
        "Total: 0/3",
    ]


def test_json_is_the_learners_feedback_and_hidden_failures_only_on_request(files) -> None:
    arguments = (str(files / "triple.py"), "--source", str(files / "double.ipynb"), "--json")
    plain = json.loads(_grade(*arguments, "--seed", "11")[0])
    shown = json.loads(_grade(*arguments, "--seed", "11", "--show-hidden")[0])

    visible = {
        "grade_id": "test_visible",
        "points": 0.0,
        "max_points": 1.0,
        "passed": False,
        "hidden": False,
        "output": "seed 11\n",
        "traceback": VISIBLE_TRACEBACK,
    }
    hidden = {
        "grade_id": "test_hidden",
        "points": 0.0,
        "max_points": 2.0,
        "passed": False,
        "hidden": True,
        "hint": HINT,
    }
    assert plain == {
        "exercise": "double",
        "seed": 11,
        "profile": "python-cpu",
        "limits": {"wall_seconds": 30, "memory_mb": 1024, "gpus": 0},
        "points": 0.0,
        "max_points": 3.0,
        "cells": [visible, hidden],
        "learner_output": "",
        "learner_errors": [],
        "message": "",
    }
    assert shown == {
        **plain,
        "cells": [
            visible,
            {
                **hidden,
                "hidden_output": "hidden check of double(-3)\n",
                "hidden_traceback": HIDDEN_TRACEBACK,
            },
        ],
    }


def test_an_exercise_is_graded_with_its_own_limits_and_device(db, files, settings) -> None:
    settings.SANDBOX_GPUS = 0
    make_exercise(files / "course", slug="double", source=double_notebook(), device="prefer-gpu")
    answer = str(files / "loop.py")

    result = json.loads(_grade(answer, "--exercise", "double", "--json", "--seed", "3")[0])
    shorter = json.loads(
        _grade(answer, "--exercise", "double", "--json", "--wall-seconds", "2", "--seed", "3")[0]
    )

    assert (result["profile"], result["limits"]) == (
        "python-cpu",
        {"wall_seconds": 8, "memory_mb": 512, "gpus": 0},  # make_exercise's exercise.yaml
    )
    assert shorter["limits"] == {"wall_seconds": 2, "memory_mb": 512, "gpus": 0}
    for graded in (result, shorter):
        assert graded["message"] == (
            "Your code was stopped because it ran longer than the time limit."
        )
        assert [cell["passed"] for cell in graded["cells"]] == [False, False]
    assert Exercise.objects.get(slug="double").wall_seconds == 8  # an override is not saved


def test_a_gpu_exercise_gets_the_gpu_where_the_host_has_one(db, files, settings) -> None:
    exercise = make_exercise(
        files / "course", slug="double", source=double_notebook(), device="require-gpu"
    )
    settings.SANDBOX_GPUS = 1
    assert grading_limits_for(exercise=exercise) == (
        GradingLimits(wall_seconds=8, memory_mb=512, gpus=1),
        "python-gpu",
    )
    settings.SANDBOX_GPUS = 0
    assert grading_limits_for(exercise=exercise) == (
        GradingLimits(wall_seconds=8, memory_mb=512, gpus=0),
        "python-cpu",
    )
    out, err = _grade(str(files / "abs.py"), "--exercise", "double", "--seed", "5")
    assert err == (
        "This exercise requires a GPU and this machine offers none (SANDBOX_GPUS=0): "
        "grading it on the CPU.\n"
    )
    assert out.splitlines()[0] == "double: seed 5, python-cpu, wall 8 s, memory 512 MB"


def test_without_seed_one_is_drawn_and_reaches_the_tests(files) -> None:
    result = json.loads(
        _grade(str(files / "abs.py"), "--source", str(files / "double.ipynb"), "--json")[0]
    )
    assert 0 <= result["seed"] < 2**31
    assert result["cells"][0]["output"] == f"seed {result['seed']}\n"


@pytest.mark.parametrize("seed", ["-1", "2147483648", "seven"])
def test_a_bad_seed_is_refused(files, seed) -> None:
    with pytest.raises(CommandError, match="argument --seed: invalid"):
        _grade(str(files / "abs.py"), "--source", str(files / "double.ipynb"), "--seed", seed)


def test_nothing_of_the_warm_sandbox_is_left_behind(files) -> None:
    from sandbox import get_sandbox

    sandbox = get_sandbox()
    pool = getattr(sandbox, "warm_pool", None)
    if pool is None:
        pytest.skip("this backend keeps no warm zygote")
    sandbox.prewarm()  # type: ignore[attr-defined]
    zygote = pool.zygote
    assert zygote is not None and Path(zygote.job_dir).exists()
    assert all(path.exists() for path in zygote.group.paths)

    _grade(str(files / "abs.py"), "--source", str(files / "double.ipynb"), "--seed", "1")

    assert pool.zygote is None
    assert not Path(zygote.job_dir).exists()
    assert not any(path.exists() for path in zygote.group.paths)


def test_the_cause_comes_first_for_authors_too(files) -> None:
    arguments = (str(files / "loop.py"), "--source", str(files / "double.ipynb"))
    summary = "Your code was stopped because it ran longer than the time limit of 2 seconds."

    graded = json.loads(_grade(*arguments, "--json", "--wall-seconds", "2")[0])
    text, _ = _grade(*arguments, "--wall-seconds", "2")

    assert graded["cause"] == {
        "kind": "time-limit",
        "summary": summary,
        "cell_id": "",
        "line": None,
        "code": "",
        "reason": "wall-time",
        "limit": 2.0,
        "error": "",
    }
    assert text.splitlines()[1] == f"First: {summary}"
