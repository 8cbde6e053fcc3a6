"""Docker's warm path: each CPU Python job runs in a container started ahead of time that has
imported NumPy and torch, with the job's own limits, and is removed after that one job.

The `docker_warm` fixture makes each job wait until a warm container is ready, so these jobs
all take the warm path."""

import os

import pytest

from sandbox.backends.docker import DockerSandbox
from sandbox.jobs import Job, Limits

pytestmark = pytest.mark.docker


def run(sandbox: DockerSandbox, code: str, **limits: object):
    return sandbox.run(Job(command=("python", "-c", code), limits=Limits(**limits)))  # type: ignore[arg-type]


def test_which_jobs_take_the_warm_path(docker_warm: DockerSandbox) -> None:
    def warm(*command: str, **limits: object) -> bool:
        return docker_warm.uses_warm_path(Job(command=command, limits=Limits(**limits)))  # type: ignore[arg-type]

    assert warm("python", "-c", "pass")
    assert warm("python", "-I", "/job/learner_side.py")
    assert not warm("python", "-m", "pip")
    assert not warm("sh", "-c", "true")
    assert not warm("python", "-c", "pass", gpus=1)
    assert not warm("python", "-c", "pass", memory_mb=256)


def test_a_warm_job_starts_with_torch_imported_and_nothing_else(
    docker_warm: DockerSandbox,
) -> None:
    result = docker_warm.run(
        Job(
            command=(
                "python",
                "-I",
                "-c",
                "import os, sys; print(sys.argv, 'torch' in sys.modules, os.getuid(), os.getcwd(), os.listdir('/tmp'), os.listdir('/job'), os.environ['SEED'], sys.stdin.read())",
            ),
            files={"data.txt": b"mine"},
            stdin=b"input",
            environment={"SEED": "7"},
        )
    )
    assert result.stdout == b"['-c'] True 65534 /tmp [] ['data.txt'] 7 input\n"
    assert result.exit_code == 0 and result.stderr == b""
    # The clock and the CPU time start when the job does, not when its container did.
    assert result.wall_seconds < 2 and result.cpu_seconds < 1


def test_a_warm_job_reports_errors_and_exits_as_python_does(docker_warm: DockerSandbox) -> None:
    failed = run(docker_warm, "def f():\n    raise ValueError('no')\nf()")
    assert failed.exit_code == 1
    assert failed.stderr.decode().splitlines()[0] == "Traceback (most recent call last):"
    assert (
        "ValueError: no" in failed.stderr.decode() and "docker_warm" not in failed.stderr.decode()
    )
    assert run(docker_warm, "import sys; sys.exit(3)").exit_code == 3
    assert run(docker_warm, "raise SystemExit('bye')").stderr == b"bye\n"
    threads = run(
        docker_warm,
        "import atexit, threading, time\n"
        "atexit.register(lambda: print('atexit'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread'))).start()\n",
    )
    assert threads.stdout == b"thread\natexit\n"


def test_no_job_inherits_another_jobs_code_or_data(docker_warm: DockerSandbox) -> None:
    secret = "secret-" + os.urandom(8).hex()
    first = run(
        docker_warm, f"value = {secret!r}\nopen('/tmp/keep', 'w').write(value)\nprint(len(value))"
    )
    assert first.exit_code == 0
    needle = secret[:7] + "' + '" + secret[7:]  # the second job's own code must not contain it
    second = run(
        docker_warm,
        "import gc, os, sys\n"
        f"needle = '{needle}'\n"
        "found = [o for o in gc.get_objects() if isinstance(o, str) and needle in o]\n"
        "found += [m for m in sys.modules if needle in m]\n"
        "print(len(found), os.listdir('/tmp'), os.listdir('/job'))\n",
    )
    assert second.stdout == b"0 [] []\n"


def test_the_jobs_own_limits_hold(docker_warm: DockerSandbox) -> None:
    memory = run(docker_warm, "x = bytearray(2 * 1024 ** 3)", memory_mb=600)
    assert memory.out_of_memory is True and memory.signal == 9
    forks = run(
        docker_warm,
        "import os\nchildren = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
        "            import time; time.sleep(5); os._exit(0)\n        children += 1\n"
        "except OSError:\n    print(children)\n",
        processes=12,
    )
    assert 0 < int(forks.stdout) < 12
    cpu = run(docker_warm, "while True:\n    pass", cpu_seconds=1, wall_seconds=10)
    assert cpu.cpu_limit_exceeded is True and cpu.signal == 24
    assert cpu.wall_seconds < 4
