"""The bwrap command line pins down the isolation each job gets."""

from sandbox.backends.bwrap import BwrapSandbox, gpu_device_files
from sandbox.jobs import Job, Limits


def _argv(bwrap: BwrapSandbox, gpus: int = 0) -> list[str]:
    job = Job(command=("python", "-c", "pass"), limits=Limits(gpus=gpus, tmp_mb=32))
    return bwrap.argv(job, "/tmp/job-dir", 0 if gpus else None)


def test_namespaces_uid_and_environment(bwrap: BwrapSandbox) -> None:
    argv = _argv(bwrap)
    for flag in (
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ):
        assert flag in argv
    assert argv[argv.index("--remount-ro") + 1] == "/"
    assert "--reuid=65534" in argv and "--no-new-privs" in argv
    assert "--bounding-set=-all" in argv
    tmpfs = argv.index("--tmpfs")
    assert argv[tmpfs + 1] == "/tmp" and argv[tmpfs - 3] == str(32 * 1024 * 1024)
    ro_job = argv.index("/tmp/job-dir")
    assert argv[ro_job - 1] == "--ro-bind" and argv[ro_job + 1] == "/job"
    assert argv[-3:] == ["/opt/academy-venv/bin/python", "-c", "pass"]
    setenv = {argv[i + 1]: argv[i + 2] for i, value in enumerate(argv) if value == "--setenv"}
    assert setenv["CUDA_VISIBLE_DEVICES"] == ""
    assert "SECRET_KEY" not in setenv and "DATABASE_URL" not in setenv


def test_no_host_directories_beyond_the_runtime(bwrap: BwrapSandbox) -> None:
    argv = _argv(bwrap)
    sources = [argv[i + 1] for i, value in enumerate(argv) if value in ("--ro-bind", "--bind")]
    assert "/" not in sources and "/etc" not in sources and "/work" not in sources
    assert all(
        source == "/usr" or source in dict(bwrap.roots) or source == "/tmp/job-dir"
        for source in sources
    )


def test_a_gpu_job_gets_exactly_one_device(bwrap: BwrapSandbox) -> None:
    argv = _argv(bwrap, gpus=1)
    devices = [argv[i + 1] for i, value in enumerate(argv) if value == "--dev-bind"]
    assert devices == gpu_device_files(0)
    assert devices[0] == "/dev/nvidia0"
    assert not any(device in ("/dev/nvidia1", "/dev/nvidia2") for device in devices)
    setenv = {argv[i + 1]: argv[i + 2] for i, value in enumerate(argv) if value == "--setenv"}
    assert setenv["CUDA_VISIBLE_DEVICES"] == "0"
