"""No signal a job sends reaches anything but the job itself.

A hostile job signals everything it can name (its process group, every process it may signal, its
parent, every process group number, the host pids of every sandboxed process) while a bystander
job, standing for the other sandbox of the same grading, runs on the same sandbox instance. The
bystander must finish normally, the warm zygote must be the same running process afterwards and
serve the next job, and the hostile job itself must end as an ordinary `JobResult`.
"""

import os
import select
import signal
import time

import pytest

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.base import RunningJob, Sandbox, collect_output
from sandbox.jobs import Job, JobResult, Limits

SIGNALS = [signal.SIGKILL, signal.SIGSTOP, signal.SIGALRM, signal.SIGUSR1, signal.SIGTERM]
TARGETS = ["own group", "every process", "parent", "every group"]

HOSTILE = """\
import os
signal_number = {signal_number}
target = {target!r}
if target == "own group":
    targets = [0]
elif target == "every process":
    targets = [-1]
elif target == "parent":
    targets = [os.getppid()]
else:
    targets = [-number for number in range(2, 300)]
    targets += [sign * pid for pid in {host_pids!r} for sign in (1, -1)]
for number in targets:
    try:
        os.kill(number, signal_number)
    except OSError:
        pass
print("sent", flush=True)
"""

BYSTANDER = """\
import sys
print("ready", flush=True)
line = sys.stdin.readline()
print("bystander", line.strip())
"""


def sandboxed_host_pids() -> list[int]:
    """Every host process running as the sandbox user: the zygote, the bystander, their
    monitors. A job that could name any of them by its host number must not reach it."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = open(f"/proc/{entry}/status").read()
        except OSError:
            continue
        if "\nUid:\t65534" in status:
            pids.append(int(entry))
    return pids


def read_line(running: RunningJob, timeout: float) -> bytes:
    """The job's first stdout line, byte by byte so nothing after it is consumed."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([running.stdout_fd], [], [], deadline - time.monotonic())
        if not ready:
            break
        chunk = os.read(running.stdout_fd, 1)
        if not chunk:
            break
        data += chunk
    return data


def process_state(pid: int) -> str:
    """One letter from /proc/PID/stat: R, S, T (stopped), Z..."""
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("signal_number", SIGNALS, ids=lambda number: signal.Signals(number).name)
def test_a_jobs_signals_reach_only_itself(
    every_backend: Sandbox, signal_number: int, target: str
) -> None:
    backend = every_backend
    warm_pool = getattr(backend, "warm_pool", None) if isinstance(backend, BwrapSandbox) else None
    # Three /tmp sizes: three shapes of Docker's warm containers, each refilled while the
    # others run, so that no job waits for the one before it to be replaced.
    bystander = backend.start(
        Job(command=("python", "-c", BYSTANDER), limits=Limits(wall_seconds=20, tmp_mb=32))
    )
    try:
        assert read_line(bystander, 15) == b"ready\n"
    except BaseException:
        bystander.finish(kill=True)
        raise
    zygote = warm_pool.zygote if warm_pool is not None and backend.warm else None
    code = HOSTILE.format(
        signal_number=signal_number, target=target, host_pids=sandboxed_host_pids()
    )
    hostile = backend.run(
        Job(
            command=("python", "-c", code),
            limits=Limits(wall_seconds=3, processes=16, tmp_mb=48),
        )
    )
    collected = collect_output(bystander, stdin=b"done\n", limit=1000, deadline_seconds=10)
    result = bystander.finish(wait_seconds=10)

    assert collected.stdout == b"bystander done\n"
    assert (result.exit_code, result.signal, result.timed_out) == (0, None, False)
    assert isinstance(hostile, JobResult)
    # It either survived its own signals, or died or stopped by the one it sent itself.
    assert (
        (hostile.exit_code == 0 and hostile.stdout == b"sent\n")
        or hostile.signal == signal_number
        or (signal_number == signal.SIGSTOP and hostile.timed_out)
    ), hostile
    if zygote is not None:
        assert warm_pool is not None and warm_pool.zygote is zygote
        assert zygote.process.poll() is None
        assert process_state(zygote.pid) != "T"
    following = backend.run(Job(command=("python", "-c", "print('next')")))
    assert (following.stdout, following.exit_code) == (b"next\n", 0)
    if zygote is not None:
        assert warm_pool is not None and warm_pool.zygote is zygote
