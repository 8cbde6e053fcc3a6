"""What a job holds and draws on every backend: fresh random generators, an address-space limit
that fails an allocation instead of killing the job, a job directory no other host user can
read, and nothing left behind after finish(), after a caller that failed, or after a job that
was dropped without finish()."""

import gc
import os
import subprocess
import time
from pathlib import Path

import pytest

from sandbox.backends.bwrap import BwrapRunningJob, BwrapSandbox
from sandbox.backends.docker import DockerRunningJob
from sandbox.base import RunningJob, Sandbox, collect_output
from sandbox.jobs import Job, JobResult, Limits
from sandbox.warm.job import WarmRunningJob


def python(code: str, **limits: object) -> Job:
    return Job(command=("python", "-c", code), limits=Limits(**limits))  # type: ignore[arg-type]


def held_paths(running: RunningJob) -> list[Path]:
    """The host directories a running job holds: its cgroups and its job directory."""
    if isinstance(running, BwrapRunningJob):
        assert running.group is not None
        return [*running.group.paths, Path(running.job_dir).parent]
    if isinstance(running, WarmRunningJob):
        return list(running.group.paths)
    assert isinstance(running, DockerRunningJob)
    container = running.container
    paths = [Path(container.job_dir).parent]
    if container.group is not None:
        paths += container.group.paths
    return paths


def job_directory(running: RunningJob) -> Path:
    """The host directory bound at the job's /job."""
    if isinstance(running, BwrapRunningJob):
        return Path(running.job_dir)
    assert isinstance(running, DockerRunningJob)
    return Path(running.container.job_dir)


def identities(fds: list[int]) -> set[tuple[int, int]]:
    """What files these descriptors refer to (a pipe's inode is unique while it is open)."""
    found = set()
    for fd in fds:
        try:
            status = os.fstat(fd)
        except OSError:
            continue
        found.add((status.st_dev, status.st_ino))
    return found


def job_files(running: RunningJob) -> set[tuple[int, int]]:
    """The pipes and sockets this process holds for a job."""
    fds = [running.stdin_fd, running.stdout_fd]
    reader = getattr(running, "stderr_reader", None)
    if reader is not None:
        fds.append(reader.fd)
    control = getattr(running, "control", None)
    if control is not None:
        fds.append(control.fileno())
    return identities(fds)


def still_open(files: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these files a descriptor of this process still refers to. Other threads (Docker's
    warm pool fills in the background) may open descriptors meanwhile: only the job's count."""
    return files & identities([int(fd) for fd in os.listdir("/proc/self/fd")])


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


RANDOM_DRAWS = (
    "import random, numpy, torch\n"
    "print(numpy.random.rand(), random.random(), float(torch.rand(1)))\n"
)


def test_each_job_draws_fresh_random_numbers(every_backend: Sandbox) -> None:
    first = every_backend.run(python(RANDOM_DRAWS))
    second = every_backend.run(python(RANDOM_DRAWS))
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    draws = [[float(value) for value in result.stdout.split()] for result in (first, second)]
    assert len(draws[0]) == len(draws[1]) == 3
    for generator, one, other in zip(("numpy", "random", "torch"), *draws, strict=True):
        assert one != other, f"{generator} repeated {one}"


def test_an_address_space_limit_makes_a_huge_allocation_a_memory_error(
    every_backend: Sandbox,
) -> None:
    result = every_backend.run(python("x = bytearray(8 * 1024 ** 3)", address_space_mb=2048))
    assert (result.exit_code, result.signal, result.out_of_memory) == (1, None, False)
    assert result.stderr.decode().rstrip().endswith("MemoryError")


def test_a_job_using_torch_runs_under_a_1024_mb_address_space(every_backend: Sandbox) -> None:
    result = every_backend.run(
        python(
            "import numpy, torch\n"
            "x = torch.rand(256, 256) @ torch.rand(256, 256)\n"
            "print(tuple(x.shape), numpy.ones(3).sum())\n",
            address_space_mb=1024,
        )
    )
    assert (result.stdout, result.exit_code) == (b"(256, 256) 3.0\n", 0), result.stderr


def test_without_a_limit_the_address_space_is_unlimited(every_backend: Sandbox) -> None:
    result = every_backend.run(
        python("import resource; print(resource.getrlimit(resource.RLIMIT_AS))")
    )
    assert result.stdout == b"(-1, -1)\n"


def test_nothing_is_left_after_a_job(every_backend: Sandbox) -> None:
    running = every_backend.start(python("print('hello')"))
    held = held_paths(running)
    assert held and all(path.exists() for path in held)
    collected = collect_output(running, stdin=b"", limit=1000, deadline_seconds=30)
    result = running.finish()
    assert (collected.stdout, result.exit_code) == (b"hello\n", 0)
    assert [path for path in held if path.exists()] == []


def test_finish_cleans_up_after_the_caller_failed(every_backend: Sandbox) -> None:
    running = every_backend.start(
        python("import sys; print('ready', flush=True); sys.stdin.read()", wall_seconds=20)
    )
    held = held_paths(running)
    files = job_files(running)
    assert len(files) >= 2
    try:
        os.read(running.stdout_fd, 6)
        raise ConnectionError("the relay failed")
    except ConnectionError:
        result = running.finish(kill=True)
    assert isinstance(result, JobResult) and result.signal == 9
    assert [path for path in held if path.exists()] == []
    assert wait_for(lambda: not still_open(files), 5)


@pytest.mark.parametrize("sandbox_name", ["bwrap", "bwrap_cold"])
def test_a_job_dropped_without_finish_is_stopped_and_released(
    request: pytest.FixtureRequest, sandbox_name: str
) -> None:
    sandbox: BwrapSandbox = request.getfixturevalue(sandbox_name)
    running = sandbox.start(python("import time; time.sleep(60)", wall_seconds=1))
    held = held_paths(running)
    files = job_files(running)
    assert all(path.exists() for path in held) and len(files) >= 3
    del running
    time.sleep(1.5)  # its wall timer kills it
    assert wait_for(lambda: gc.collect() >= 0 and not any(p.exists() for p in held), 10)
    assert wait_for(lambda: not still_open(files), 10)


SECRET_JOB = "import sys\nprint(open('/job/tests.json').read(), flush=True)\nsys.stdin.readline()\n"


@pytest.mark.parametrize(
    "sandbox_name",
    [
        "bwrap_cold",
        pytest.param("docker", marks=pytest.mark.docker),
        pytest.param("docker_warm", marks=pytest.mark.docker),
    ],
)
def test_a_jobs_directory_is_readable_by_the_job_only(
    request: pytest.FixtureRequest, sandbox_name: str
) -> None:
    sandbox: Sandbox = request.getfixturevalue(sandbox_name)
    running = sandbox.start(
        Job(
            command=("python", "-c", SECRET_JOB),
            files={"tests.json": b'{"hidden": 42}'},
            limits=Limits(wall_seconds=20),
        )
    )
    try:
        job_dir = job_directory(running)
        secret = job_dir / "tests.json"
        assert secret.read_bytes() == b'{"hidden": 42}'
        assert os.stat(job_dir.parent).st_mode & 0o777 == 0o700
        # A host process running as the sandbox's user (or any other) cannot read it.
        spy = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", str(secret)],
            capture_output=True,
        )
        assert spy.returncode != 0 and b"Permission denied" in spy.stderr
        collected = collect_output(running, stdin=b"done\n", limit=1000, deadline_seconds=15)
    finally:
        result = running.finish(wait_seconds=10)
    assert (collected.stdout, result.exit_code) == (b'{"hidden": 42}\n', 0), result.stderr
    assert not job_dir.parent.exists()


def test_the_zygotes_directory_is_private(bwrap: BwrapSandbox) -> None:
    bwrap.run(python("pass"))
    zygote = bwrap.warm_pool.zygote
    assert zygote is not None
    assert os.stat(Path(zygote.job_dir).parent).st_mode & 0o777 == 0o700
