"""A zygote that stops answering is replaced, and no job's fate depends on an earlier one.

`poll()` calls a stopped (SIGSTOP) or half-killed zygote alive; the pool pings it before each job
and replaces one that does not answer, retries a job whose fork was not handed over on a fresh
zygote, and lets the jobs a replaced zygote forked run to their end.
"""

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.base import collect_output
from sandbox.jobs import Job, Limits
from sandbox.warm.pool import Zygote


@pytest.fixture
def warm() -> Iterator[BwrapSandbox]:
    """A sandbox of its own: these tests break its zygote on purpose."""
    sandbox = BwrapSandbox(python=settings.SANDBOX_PYTHON)
    yield sandbox
    sandbox.close()


def python(code: str, **limits: object) -> Job:
    return Job(command=("python", "-c", code), limits=Limits(**limits))  # type: ignore[arg-type]


def current_zygote(sandbox: BwrapSandbox) -> Zygote:
    zygote = sandbox.warm_pool.zygote
    assert zygote is not None
    return zygote


def assert_gone(zygote: Zygote) -> None:
    """Nothing of a stopped zygote is left on the host."""
    assert zygote.process.poll() is not None
    assert not Path(f"/proc/{zygote.pid}").exists()
    assert all(not path.exists() for path in zygote.group.paths)
    assert not Path(zygote.job_dir).exists()


def test_a_stopped_zygote_is_replaced_and_the_next_job_runs(warm: BwrapSandbox) -> None:
    assert warm.run(python("print(1)")).stdout == b"1\n"
    stopped = current_zygote(warm)
    assert open(f"/proc/{stopped.pid}/cmdline").read().split("\0")[2] == "/job/zygote.py"
    os.kill(stopped.pid, signal.SIGSTOP)
    started = time.monotonic()
    result = warm.run(python("print(2)"))
    assert (result.stdout, result.exit_code) == (b"2\n", 0)
    assert current_zygote(warm) is not stopped
    assert time.monotonic() - started < 60
    assert_gone(stopped)


def test_a_zygote_that_cannot_fork_is_replaced_and_the_job_retried(warm: BwrapSandbox) -> None:
    assert warm.run(python("print(1)")).stdout == b"1\n"
    broken = current_zygote(warm)
    # It still answers pings, but no fork of it can succeed.
    assert broken.group.pids is not None
    (broken.group.pids / "pids.max").write_text("1")
    result = warm.run(python("print(2)"))
    assert (result.stdout, result.exit_code) == (b"2\n", 0)
    assert current_zygote(warm) is not broken
    assert_gone(broken)


def test_jobs_of_a_replaced_zygote_run_to_their_end(warm: BwrapSandbox) -> None:
    running = warm.start(
        python("import sys; print('got', sys.stdin.readline().strip())", wall_seconds=20)
    )
    old = current_zygote(warm)
    os.kill(old.pid, signal.SIGSTOP)
    assert warm.run(python("print('next')")).stdout == b"next\n"
    assert current_zygote(warm) is not old
    # The old zygote's sandbox stays, out of service, for the job it forked.
    assert old.retired and old.process.poll() is None
    assert all(path.exists() for path in old.group.paths)
    collected = collect_output(running, stdin=b"line\n", limit=1000, deadline_seconds=10)
    result = running.finish(wait_seconds=10)
    assert collected.stdout == b"got line\n"
    assert (result.exit_code, result.signal, result.timed_out) == (0, None, False)
    assert_gone(old)


def test_close_stops_the_zygote_and_is_safe_twice(warm: BwrapSandbox) -> None:
    assert warm.run(python("print(1)")).stdout == b"1\n"
    zygote = current_zygote(warm)
    warm.close()
    assert_gone(zygote)
    assert warm.warm_pool.zygote is None
    warm.close()
    # A later job starts a fresh zygote.
    assert warm.run(python("print(2)")).stdout == b"2\n"
    assert current_zygote(warm) is not zygote


def test_a_child_killed_by_its_own_limits_is_that_jobs_result(warm: BwrapSandbox) -> None:
    # The child takes its job's files under the job's own memory limit: one too small for them
    # is the job's out-of-memory, not a broken zygote (nothing is retried, nothing replaced).
    assert warm.run(python("print(1)")).stdout == b"1\n"
    zygote = current_zygote(warm)
    job = Job(
        command=("python", "-c", "print('unreachable')"),
        files={"big.bin": os.urandom(48 * 1024 * 1024)},
        limits=Limits(memory_mb=64),
    )
    result = warm.run(job)
    assert (result.exit_code, result.signal, result.out_of_memory) == (None, 9, True)
    assert result.stdout == b""
    assert current_zygote(warm) is zygote
