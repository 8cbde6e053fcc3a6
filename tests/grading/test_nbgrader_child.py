"""nbgrader's reference runs leave nothing behind in the test process. Run here, generating an
assignment from a notebook with AUTOTEST directives left a Jupyter kernel client's heartbeat
thread behind each time (48 by the end of the parity tests, and one run aborted, see
nbgrader_child.py); run in a child process, they leave none."""

from __future__ import annotations

import threading

from tests.grading.nbgrader_wheel_catalogue import PAIRS, nbgrader_points


def test_an_autotest_reference_run_leaves_no_thread_here() -> None:
    source = next(
        pair.source for pair in PAIRS if pair.source.path.endswith("autotest-simple.ipynb")
    )
    before = set(threading.enumerate())
    references = nbgrader_points.__wrapped__(source)  # not the cached result: a run now
    assert references and all(not reference.error for reference in references.values())
    assert set(threading.enumerate()) - before == set()
