"""The zygote: runs inside a bubblewrap sandbox, imports the heavy libraries once, and forks one
child per job. It never reads job content: the host hands it only file descriptors, which it
passes to the child and closes.

Each child, before it runs anything of the job's, leaves the zygote's session and process group,
takes a new user, mount, PID, network and IPC namespace, so no job can see, signal, trace or talk
to the zygote or another job; mounts fresh tmpfs over /tmp, /job, /dev/shm and /proc; is moved by
the host into the job's cgroup; drops every capability; and only then receives its job (argv,
environment, files) straight from the host. The job process it forks is the first process of the
new PID namespace and starts a session of its own, so `kill(0, ...)` (which is also
`kill(getppid(), ...)` there: its parent is outside the namespace) reaches only the job.
Its random generators are reseeded, so no two jobs draw the numbers the zygote would have.

The control socket carries, from the host, one byte per request: "F" with a job's four
descriptors (fork a child for it), or "P" (answer "p": the host's liveness check, since a stopped
zygote still looks alive to `poll()`).
Started as `python -I /job/zygote.py MODULE...` (sandbox/warm/pool.py copies this file there);
stdlib only, besides the modules it warms.
"""

import ctypes
import fcntl
import io
import json
import os
import random
import resource
import runpy
import signal
import socket
import struct
import sys
import traceback
from typing import Any, NoReturn

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
PR_SET_DUMPABLE = 4
CONTROL_FD = 3

libc = ctypes.CDLL(None, use_errno=True)


def fail(message: str) -> NoReturn:
    raise OSError(ctypes.get_errno(), message)


def read_frame(sock: socket.socket) -> bytes:
    header = receive_exactly(sock, 4)
    (length,) = struct.unpack("!I", header)
    return receive_exactly(sock, length)


def receive_exactly(sock: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(min(count - len(data), 1 << 20))
        if not chunk:
            raise EOFError("the host closed the job channel")
        data += chunk
    return bytes(data)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def mount(
    source: bytes, target: bytes, kind: bytes | None, flags: int, options: bytes | None
) -> None:
    if libc.mount(source, target, kind, flags, options) != 0:
        fail(f"mount {target!r}")


def bring_loopback_up() -> None:
    """The job's own network namespace has only a loopback; bring it up as bwrap does."""
    get_flags, set_flags, up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(probe, get_flags, request)[:18])[1]
        fcntl.ioctl(probe, set_flags, struct.pack("16sh", b"lo", flags | up))


def drop_capabilities() -> None:
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = ctypes.create_string_buffer(24)  # two zeroed __user_cap_data_struct
    if libc.capset(ctypes.c_char_p(header), data) != 0:
        fail("capset")


def child(control: socket.socket, stdio: list[int]) -> NoReturn:
    """The single-use child: it becomes the job after isolating itself."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; we wait for the job
    # Out of the zygote's session and group: whatever signals this child's group never reaches
    # the zygote or the zygote's other children.
    os.setsid()
    uid, gid = os.getuid(), os.getgid()
    credentials = struct.pack("iII", os.getpid(), uid, gid)
    control.sendmsg([b"pid"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, credentials)])
    spec = json.loads(read_frame(control))  # sent only once we are in the job's cgroup
    # The zygote is not dumpable; this child must be, to write its own namespace maps. No job
    # can see it: every job lives in a PID namespace of its own.
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC):
        fail("unshare")
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")
    job = os.fork()  # the first process of the new PID namespace
    if job == 0:
        try:
            # A session and group of its own before any job code, so kill(0) and kill(-pgid)
            # from the job cannot reach this monitor, which reports its exit status.
            os.setsid()
            become_job(spec, control, stdio)
        except BaseException:  # noqa: BLE001 - report and die; nothing else may run
            traceback.print_exc()
            os._exit(126)
    for fd in stdio:
        os.close(fd)
    _, status = os.waitpid(job, 0)
    report: dict[str, int | None] = {"exit": None, "signal": None}
    if os.WIFSIGNALED(status):
        report["signal"] = os.WTERMSIG(status)
    else:
        report["exit"] = os.WEXITSTATUS(status)
    send_frame(control, json.dumps(report).encode())
    os._exit(0)


def become_job(spec: dict[str, Any], control: socket.socket, stdio: list[int]) -> NoReturn:
    quiet = MS_NOSUID | MS_NODEV
    with open("/proc/cpuinfo", "rb") as handle:  # torch's cpuinfo reads it on first use
        cpuinfo = handle.read()
    mount(b"tmpfs", b"/tmp", b"tmpfs", quiet, f"size={spec['tmp_bytes']},mode=1777".encode())
    mount(b"tmpfs", b"/dev/shm", b"tmpfs", quiet | MS_NOEXEC, b"size=1m,mode=1777")
    # No process list: a fresh proc cannot be mounted under bwrap's covered /proc, and the old one
    # would list the zygote and other jobs. Only the CPU description stays readable.
    mount(b"tmpfs", b"/proc", b"tmpfs", quiet | MS_NOEXEC, b"size=1m,mode=0755")
    with open("/proc/cpuinfo", "wb") as handle:
        handle.write(cpuinfo)
    mount(b"none", b"/proc", None, MS_REMOUNT | MS_RDONLY | quiet | MS_NOEXEC, None)
    mount(b"tmpfs", b"/job", b"tmpfs", quiet, b"size=256m,mode=0755")
    for name, text in spec["files"].items():
        path = os.path.join("/job", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(bytes.fromhex(text))
    mount(b"none", b"/job", None, MS_REMOUNT | MS_BIND | MS_RDONLY | quiet, None)
    bring_loopback_up()
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    drop_capabilities()

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(spec["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
        os.close(fd)
    control.close()
    os.closerange(3, 1 << 16)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(spec["environment"])
    os.chdir("/tmp")
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
    reseed()
    address_space = spec.get("address_space_bytes")
    if address_space is not None:
        # Last, just before the job's code: the zygote's own mappings (torch) count towards it.
        resource.setrlimit(resource.RLIMIT_AS, (int(address_space), int(address_space)))
    os._exit(run_command(spec["argv"]))


def reseed() -> None:
    """Fresh generator states for this job: a fork copies the zygote's, so without this every job
    would draw the same "random" numbers from numpy's and torch's global generators."""
    random.seed(os.urandom(32))
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(numpy.frombuffer(os.urandom(16), dtype=numpy.uint32))
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(int.from_bytes(os.urandom(8), "little") >> 1)


def run_command(argv: list[str]) -> int:
    """Run `python [flags] (-c CODE | SCRIPT) [args]` in this already-warm interpreter."""
    arguments = list(argv[1:])
    while arguments and arguments[0] in ("-I", "-B", "-u", "-s", "-E"):
        arguments.pop(0)
    code = 0
    try:
        if arguments and arguments[0] == "-c":
            sys.argv = ["-c", *arguments[2:]]
            namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": __builtins__}
            exec(compile(arguments[1], "<string>", "exec"), namespace)
        elif arguments:
            sys.argv = arguments
            runpy.run_path(arguments[0], run_name="__main__")
    except SystemExit as exit_request:
        value = exit_request.code
        if value is None:
            code = 0
        elif isinstance(value, int):
            code = value & 0xFF
        else:
            print(value, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - the job's uncaught exception
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    return code


def warm_up() -> None:
    """Pay the libraries' lazy first-use costs once, here, instead of in every job. With one
    thread per library (the environment says so) this starts no thread, so forking stays safe."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.ones((64, 64)) @ numpy.ones((64, 64))
        numpy.testing.assert_allclose(numpy.ones(2), numpy.ones(2))
    torch = sys.modules.get("torch")
    if torch is not None:
        (torch.rand(64, 64) @ torch.rand(64, 64)).sum().item()
        layer = torch.nn.Linear(8, 8)
        layer(torch.rand(2, 8)).sum().backward()
        torch.optim.Adam(layer.parameters()).step()
        torch.nn.functional.softmax(torch.rand(2, 3), dim=-1)
        torch.testing.assert_close(torch.ones(2), torch.ones(2))  # its first call costs ~1 s
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        print(f"zygote has {threads} threads after warm-up", file=sys.stderr)


def main() -> None:
    for name in sys.argv[1:]:
        __import__(name)
    warm_up()
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    host = socket.socket(fileno=CONTROL_FD)
    host.sendall(b"ready\n")
    while True:
        message, descriptors, _, _ = socket.recv_fds(host, 16, 4)
        if not message:
            return
        if message == b"P" and not descriptors:
            host.sendall(b"p")
            continue
        if len(descriptors) != 4:
            for fd in descriptors:
                os.close(fd)
            continue
        try:
            pid = os.fork()
        except OSError:
            # The host sees the job channel close unanswered and takes a fresh zygote.
            for fd in descriptors:
                os.close(fd)
            continue
        if pid == 0:
            host.close()
            control = socket.socket(fileno=descriptors[0])
            try:
                child(control, descriptors[1:])
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            os._exit(125)
        for fd in descriptors:
            os.close(fd)


if __name__ == "__main__":
    main()
