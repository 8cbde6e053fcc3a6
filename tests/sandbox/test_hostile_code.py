"""Hostile code against every real sandbox backend (bubblewrap and Docker): each attack is
contained, reported with the right reason, and leaves the host and the next job clean.

The `sandbox` fixture runs each test once per backend. Where a backend's view differs by design
(a container has its image's own /etc and its own init as pid 1), the test says what it checks
instead, so that it means the same thing on both: nothing of the host can be read or reached."""

import hashlib
import os
import socket
import threading
import time

import pytest

from sandbox.backends.docker import waiting_container_ids
from sandbox.base import Sandbox
from sandbox.jobs import Job, Limits


def run(sandbox: Sandbox, code: str, **limits: object):
    return sandbox.run(Job(command=("python", "-c", code), limits=Limits(**limits)))  # type: ignore[arg-type]


def test_runs_as_nobody_with_a_clean_environment(sandbox: Sandbox) -> None:
    os.environ["ACADEMY_TEST_SECRET"] = "do-not-leak"
    try:
        result = run(sandbox, "import os; print(os.getuid(), os.getgid(), sorted(os.environ))")
    finally:
        del os.environ["ACADEMY_TEST_SECRET"]
    assert result.exit_code == 0
    assert result.stdout.startswith(b"65534 65534")
    assert b"ACADEMY_TEST_SECRET" not in result.stdout and b"do-not-leak" not in result.stdout


def test_only_its_own_loopback(sandbox: Sandbox) -> None:
    result = run(sandbox, "import socket; print(socket.if_nameindex())")
    assert result.stdout.strip() == b"[(1, 'lo')]"
    # No route anywhere: a UDP connect() only looks the route up, it sends nothing.
    routes = run(
        sandbox,
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "try:\n    s.connect(('192.0.2.1', 9)); print('ROUTED')\n"
        "except OSError as error:\n    print(error.errno)",
    )
    assert routes.stdout.strip() == b"101"  # ENETUNREACH


@pytest.mark.parametrize("port", [5432, 6379])
def test_cannot_reach_host_services(sandbox: Sandbox, port: int) -> None:
    code = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"
    result = run(sandbox, code)
    assert result.exit_code == 1
    assert b"ConnectionRefusedError" in result.stderr


def test_cannot_reach_a_listener_the_test_opens(sandbox: Sandbox) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[object] = []
    server.settimeout(3)
    waiter = threading.Thread(target=lambda: accepted.append(_accept(server)))
    waiter.start()
    port = server.getsockname()[1]
    result = run(sandbox, f"import socket; socket.create_connection(('127.0.0.1', {port}), 2)")
    waiter.join()
    server.close()
    assert result.exit_code == 1
    assert accepted == [None]


def _accept(server: socket.socket) -> object:
    try:
        return server.accept()
    except OSError:
        return None


HOST_FILES = [
    "/proc/1/environ",
    "/etc/passwd",
    "/etc/shadow",
    "/work/main/config/settings.py",
    "/root/.bash_history",
    "/var/run/postgresql/.s.PGSQL.5432",
]
# A container's root is its image: these paths exist there, as the image's own files. Reading
# them is allowed; reading the host's content through them is not.
OWN_FILES = {"bwrap": set(), "docker": {"/proc/1/environ", "/etc/passwd"}}


def test_cannot_read_host_files_or_the_worker_environment(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACADEMY_TEST_SECRET", "do-not-leak")
    code = (
        "import hashlib, os\n"
        f"for path in {HOST_FILES!r}:\n"
        "    try:\n"
        "        content = open(path, 'rb').read(); print('READ', path, hashlib.sha256(content).hexdigest(), content)\n"
        "    except OSError as error:\n"
        "        print('DENIED', path, type(error).__name__)\n"
        "print(sorted(os.listdir('/')))\n"
    )
    result = run(sandbox, code)
    lines = result.stdout.decode().splitlines()
    read = {line.split()[1]: line.split()[2] for line in lines if line.startswith("READ")}
    assert set(read) <= OWN_FILES[sandbox.name], result.stdout
    for path, digest in read.items():
        assert digest != _host_digest(path), f"{path} has the host's content"
    assert b"do-not-leak" not in result.stdout and b"ACADEMY_TEST_SECRET" not in result.stdout
    if sandbox.name == "bwrap":
        assert b"READ" not in result.stdout, result.stdout
        assert b"'etc'" not in result.stdout and b"'var'" not in result.stdout
    else:
        # The container's root is the image's: nothing of the host's tree is bound in.
        assert b"'work'" not in result.stdout and b"'job'" in result.stdout


def _host_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def test_cannot_write_outside_tmp_and_tmp_does_not_survive(sandbox: Sandbox) -> None:
    code = (
        "import os\n"
        "for path in ['/usr/evil', '/job/evil', '/evil']:\n"
        "    try:\n"
        "        open(path, 'w').write('x'); print('WROTE', path)\n"
        "    except OSError:\n"
        "        pass\n"
        "open('/tmp/left-behind', 'w').write('secret')\n"
    )
    first = run(sandbox, code)
    assert b"WROTE" not in first.stdout and first.exit_code == 0
    second = run(sandbox, "import os; print(os.listdir('/tmp'))")
    assert second.stdout.strip() == b"[]"


def test_no_process_outlives_its_job(sandbox: Sandbox) -> None:
    code = (
        "import os, subprocess\n"
        "subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    import time; time.sleep(300)\n"
    )
    run(sandbox, "pass")  # a warm backend's zygote, started now, belongs to no job
    before = {pid for pid in os.listdir("/proc") if pid.isdigit() and _is_nobody_sleeper(pid)}
    result = run(sandbox, code)
    assert result.exit_code == 0
    time.sleep(0.2)
    after = {pid for pid in os.listdir("/proc") if pid.isdigit() and _is_nobody_sleeper(pid)}
    assert after - before - _waiting_for_a_job(sandbox) == set()


def _waiting_for_a_job(sandbox: Sandbox) -> set[str]:
    """The processes of Docker's warm containers that wait for a job (the next one, started
    while this job ran): they belong to no job yet."""
    containers = waiting_container_ids()
    waiting = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            groups = open(f"/proc/{pid}/cgroup").read()
        except OSError:
            continue
        if any(container in groups for container in containers):
            waiting.add(pid)
    return waiting


def _is_nobody_sleeper(pid: str) -> bool:
    try:
        status = open(f"/proc/{pid}/status").read()
    except OSError:
        return False
    return "\nUid:\t65534" in status


def test_fork_bomb_is_contained(sandbox: Sandbox) -> None:
    result = run(sandbox, "import os\nwhile True:\n    os.fork()", wall_seconds=5, processes=32)
    assert result.exit_code != 0 or result.timed_out
    after = run(sandbox, "print('fine')")
    assert after.stdout == b"fine\n"


def test_memory_bomb_is_reported_as_out_of_memory(sandbox: Sandbox) -> None:
    result = run(sandbox, "x = bytearray(4 * 1024 ** 3)", memory_mb=256)
    assert result.out_of_memory is True
    assert result.signal == 9
    assert "memory" in result.explain()


def test_infinite_loop_times_out(sandbox: Sandbox) -> None:
    result = run(sandbox, "while True:\n    pass", wall_seconds=1.5)
    assert result.timed_out is True
    assert 1.4 < result.wall_seconds < 5
    assert "time limit" in result.explain()


def test_cpu_burning_threads_are_capped(sandbox: Sandbox) -> None:
    code = (
        "import threading\n"
        "def burn():\n    while True: pass\n"
        "for _ in range(8): threading.Thread(target=burn, daemon=True).start()\n"
        "import time; time.sleep(60)\n"
    )
    result = run(sandbox, code, wall_seconds=2, cpu_seconds=60, cpus=1.0)
    assert result.timed_out is True
    # One CPU's worth of quota: at most ~1 s of CPU per wall second, not 8.
    assert result.cpu_seconds < result.wall_seconds * 1.5


def test_a_gigabyte_of_output_is_cut(sandbox: Sandbox) -> None:
    code = "import sys\nchunk = 'x' * 65536\nfor _ in range(16384):\n    sys.stdout.write(chunk)"
    result = run(sandbox, code, output_bytes=1_000_000, wall_seconds=20)
    assert result.output_truncated is True
    assert len(result.stdout) == 1_000_000
    assert result.wall_seconds < 20


def test_cannot_see_or_signal_the_worker(sandbox: Sandbox) -> None:
    code = (
        "import os, ctypes\n"
        "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
        f"try:\n    os.kill({os.getpid()}, 9); print('KILLED')\nexcept OSError as e: print(type(e).__name__)\n"
        "libc = ctypes.CDLL(None)\n"
        f"print('ptrace', libc.ptrace(16, {os.getpid()}, 0, 0))\n"
    )
    result = run(sandbox, code)
    assert b"KILLED" not in result.stdout
    pids = eval(result.stdout.splitlines()[0])  # noqa: S307 - our own test output
    assert all(pid < 10 for pid in pids)  # only the job's own namespace (or no /proc at all)
    assert b"ptrace -1" in result.stdout


def test_concurrent_jobs_cannot_see_each_other(sandbox: Sandbox) -> None:
    slow = sandbox.start(
        Job(
            command=(
                "python",
                "-c",
                "open('/tmp/mine', 'w').write('secret'); import time; time.sleep(3)",
            ),
            files={"data.txt": b"job one's file"},
            limits=Limits(wall_seconds=10),
        )
    )
    time.sleep(0.5)
    spy = run(
        sandbox,
        "import os, glob\nprint(os.listdir('/tmp'), os.listdir('/job'), glob.glob('/proc/*/cwd'))",
    )
    slow.finish(kill=True)
    assert b"mine" not in spy.stdout and b"data.txt" not in spy.stdout
