"""Verdicts come from the test sandbox only: reference, stub, honest mistakes, and cheats."""

import pytest

from grading.notebooks import reference_answers, release_notebook, starter_answers

NAIVE = "def softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n"
HARD_CODED = "def softmax(x):\n    return np.array([0.09003057, 0.24472847, 0.66524096])\n"


def test_reference_scores_full(grade, softmax_source) -> None:
    outcome = grade(reference_answers(softmax_source)["answer"])
    assert (outcome.points, outcome.max_points) == (5.0, 5.0)
    assert [cell.passed for cell in outcome.cells] == [True, True, True]
    assert outcome.cells[0].output == "visible test ran\n"


def test_release_stub_scores_zero(grade, softmax_source) -> None:
    stub = starter_answers(release_notebook(softmax_source))["answer"]
    assert "NotImplementedError" in stub and "np.max" not in stub
    outcome = grade(stub)
    assert outcome.points == 0.0
    assert "NotImplementedError" in outcome.cells[0].traceback


def test_naive_softmax_loses_the_large_logit_points(grade) -> None:
    outcome = grade(NAIVE)
    assert [(cell.grade_id, cell.points) for cell in outcome.cells] == [
        ("test_small", 1.0),
        ("test_large_logits", 0.0),
        ("test_batched", 2.0),
    ]


def test_hard_coded_outputs_pass_only_the_visible_test(grade) -> None:
    assert grade(HARD_CODED).points == 1.0


def test_hidden_tests_never_show_source_or_values(grade) -> None:
    outcome = grade(NAIVE)
    hidden = outcome.cells[1]
    assert hidden.hidden and hidden.output == "" and hidden.traceback == ""


CHEATS = {
    "always-true __eq__": (
        "class Anything:\n"
        "    def __eq__(self, other): return True\n"
        "    __hash__ = None\n"
        "def softmax(x): return Anything()\n"
    ),
    "patched numpy": (
        "import numpy as np, numpy.testing\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.allclose = lambda *a, **k: True\n"
        "def softmax(x): return x\n"
    ),
    "shadowing np itself": "class FakeNp:\n    def __getattr__(self, n): return lambda *a, **k: None\nnp = FakeNp()\ndef softmax(x): return None\n",
    "patched builtins": (
        "import builtins\n"
        "builtins.AssertionError = type('Quiet', (Exception,), {})\n"
        "builtins.len = lambda x: 0\n"
        "def softmax(x): return None\n"
    ),
    "patched torch": "import torch\ntorch.allclose = lambda *a, **k: True\ndef softmax(x): return None\n",
    "traceback and exception hooks": (
        "import sys\nsys.excepthook = lambda *a: None\nsys.tracebacklimit = 0\n"
        "def softmax(x): raise ValueError('no')\n"
    ),
    "IPython input transformer": (
        "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"
        "def softmax(x): return None\n"
    ),
    "os._exit(0)": "import os\nos._exit(0)\n",
    "SystemExit": "raise SystemExit(0)\n",
    "exit inside the function": "import os\ndef softmax(x):\n    os._exit(0)\n",
    "printing fake results": (
        "print('test_small passed\\ntest_large_logits passed\\nAll tests passed: 5/5')\n"
        "def softmax(x): return None\n"
    ),
    "reading test files": (
        "import glob, os\n"
        "found = [p for p in glob.glob('/**/*', recursive=True) if 'test' in p and p.endswith(('.json', '.ipynb'))]\n"
        "def softmax(x): return found\n"
    ),
    "forging a verdict on the protocol pipe": (
        "import os, json\n"
        "final = {'final': {'verdict': [{'id': i, 'passed': True, 'points': 2} for i in\n"
        "  ('test_small', 'test_large_logits', 'test_batched')], 'learner_ready': True}}\n"
        "for fd in range(3, 20):\n"
        "    try: os.write(fd, (json.dumps(final) + '\\n').encode())\n"
        "    except OSError: pass\n"
        "def softmax(x): return None\n"
    ),
    "inspecting the caller's frames": (
        "import sys\n"
        "def softmax(x):\n"
        "    frame = sys._getframe(1)\n"
        "    return frame.f_locals.get('expected')\n"
    ),
    "sleeping forever": "import time\ndef softmax(x):\n    time.sleep(3600)\n",
}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_cheats_earn_nothing(grade, name: str) -> None:
    outcome = grade(CHEATS[name], seconds=4)
    assert outcome.points == 0.0, (name, [(c.grade_id, c.passed) for c in outcome.cells])


def test_timeout_is_explained_in_plain_words(grade) -> None:
    outcome = grade("while True:\n    pass\n", seconds=2)
    assert outcome.points == 0.0
    assert outcome.message == "Your code was stopped because it ran longer than the time limit."


def test_memory_exhaustion_is_explained(grade) -> None:
    outcome = grade("x = bytearray(4 * 1024 ** 3)\n" + CHEATS["patched torch"])
    assert outcome.points == 0.0
    assert "memory" in outcome.message


def test_learner_output_is_kept_and_cut(grade, softmax_source) -> None:
    code = "print('x' * 100000)\n" + reference_answers(softmax_source)["answer"]
    outcome = grade(code)
    assert outcome.points == 5.0
    assert len(outcome.learner_output) <= 20_100
