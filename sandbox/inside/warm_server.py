"""The first process of a pre-warmed Docker sandbox container (the Docker backend's warm path,
sandbox/backends/docker/warm.py).

The host starts it as `python -I -c <this file's text> numpy torch` in a container with the same
isolation and limits as any job's. It imports those modules (paying torch's 1.6-2 s once, before
any job exists), says it is ready on stdout, and waits for one line on stdin: its job's argv,
environment, CPU time and address-space limit. Only then, and only once, does it run that job in
this interpreter; the container is removed when the job ends, so nothing of a job can be seen by
another. It runs no code from anywhere else. The host never runs this module; it imports only its
constants (READY, PYTHON_FLAGS), so that both ends agree. Stdlib only.
"""

import atexit
import json
import math
import os
import resource
import runpy
import sys
import traceback
import types

READY = b"academy-warm-ready\n"
PYTHON_FLAGS = ("-I", "-B", "-u", "-s", "-E", "-S", "-P")


def read_line(fd: int) -> bytes:
    """One line from fd, byte by byte, so that nothing after it is read into a buffer: the rest
    of stdin is the job's."""
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def warm_up() -> None:
    """Pay the libraries' lazy first-use costs here instead of in the job."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.ones((64, 64)) @ numpy.ones((64, 64))
    torch = sys.modules.get("torch")
    if torch is not None:
        (torch.rand(64, 64) @ torch.rand(64, 64)).sum().item()
        layer = torch.nn.Linear(8, 8)
        layer(torch.rand(2, 8)).sum().backward()


def run_job(argv: list[str]) -> int:
    """Run `python [flags] (-c CODE | SCRIPT) [args]` as Python itself would, here, and
    return its exit status."""
    arguments = list(argv[1:])
    while arguments and arguments[0] in PYTHON_FLAGS:
        arguments.pop(0)
    try:
        if arguments and arguments[0] == "-c":
            sys.argv = ["-c", *arguments[2:]]
            main = types.ModuleType("__main__")
            sys.modules["__main__"] = main
            exec(compile(arguments[1], "<string>", "exec"), main.__dict__)  # noqa: S102
        elif arguments:
            sys.argv = arguments
            runpy.run_path(arguments[0], run_name="__main__")
    except SystemExit as exit_request:
        return exit_status(exit_request.code)
    except BaseException as error:  # noqa: BLE001 - the job's uncaught exception, as Python shows it
        traceback.print_exception(type(error), error, error.__traceback__.tb_next)  # type: ignore[union-attr]
        return 1
    return 0


def exit_status(code: object) -> int:
    """What Python's own exit makes of `SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def shut_down(status: int) -> None:
    """Python's exit without its module teardown, which costs half a second with torch loaded:
    wait for the job's non-daemon threads, run its atexit functions, flush, and go."""
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException:  # noqa: BLE001
            pass
    try:
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass
    os._exit(status)


def main() -> None:
    for name in sys.argv[1:]:
        try:
            __import__(name)
        except ImportError:
            pass
    warm_up()
    os.write(1, READY)
    line = read_line(0)
    if not line.endswith(b"\n"):
        os._exit(0)  # the host went away before handing over a job
    spec = json.loads(line)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + int(spec["cpu_seconds"])
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard - 1)
    # SIGXCPU at the limit, SIGKILL a second later; the job cannot raise either.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    address_space = spec.get("address_space_bytes")
    if address_space is not None:
        # What this interpreter mapped for torch counts, as it would in a cold job's.
        resource.setrlimit(resource.RLIMIT_AS, (int(address_space), int(address_space)))
    os.environ.clear()
    os.environ.update(spec["environment"])
    os.chdir("/tmp")
    shut_down(run_job(spec["argv"]))


if __name__ == "__main__":
    main()
