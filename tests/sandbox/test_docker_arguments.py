"""The container settings each job gets pin down the isolation of the Docker backend. Building
them needs no daemon and no GPU; the last test checks that the daemon applies them."""

import pytest

from sandbox.backends.docker import DockerRunningJob, DockerSandbox
from sandbox.jobs import Job, Limits

SANDBOX = DockerSandbox(image="academy-sandbox:cpu", gpu_image="academy-sandbox:cuda", gpus=2)


def _arguments(gpu_index: int | None = None, **limits: object) -> dict:
    job = Job(
        command=("python", "-c", "pass"),
        limits=Limits(gpus=1 if gpu_index is not None else 0, **limits),  # type: ignore[arg-type]
        environment={"SEED": "7"},
    )
    return SANDBOX.container_arguments(job, "/tmp/job-dir", gpu_index)


def test_isolation() -> None:
    arguments = _arguments()
    host = arguments["host_config"]
    assert host["network_mode"] == "none" and arguments["network_disabled"] is True
    assert host["read_only"] is True
    assert host["cap_drop"] == ["ALL"] and "cap_add" not in host
    assert host["security_opt"] == ["no-new-privileges"]
    assert "privileged" not in host and "pid_mode" not in host and "userns_mode" not in host
    assert arguments["user"] == "65534:65534"
    assert host["log_config"]["Type"] == "none"
    assert host["init"] is True
    assert host["ipc_mode"] == "private"


def test_files_and_tmp() -> None:
    host = _arguments(tmp_mb=32)["host_config"]
    [mount] = host["mounts"]
    assert (mount["Source"], mount["Target"], mount["Type"], mount["ReadOnly"]) == (
        "/tmp/job-dir",
        "/job",
        "bind",
        True,
    )
    assert "binds" not in host and "volumes_from" not in host
    assert host["tmpfs"] == {"/tmp": "rw,nosuid,nodev,size=32m,mode=1777"}


def test_limits() -> None:
    host = _arguments(memory_mb=256, processes=16, cpus=1.5, cpu_seconds=7.2)["host_config"]
    assert host["mem_limit"] == host["memswap_limit"] == 256 * 1024 * 1024
    assert host["pids_limit"] == 16
    assert host["nano_cpus"] == 1_500_000_000
    ulimits = {ulimit["Name"]: (ulimit["Soft"], ulimit["Hard"]) for ulimit in host["ulimits"]}
    assert ulimits == {"cpu": (8, 9), "core": (0, 0)}


def test_command_and_a_clean_environment() -> None:
    arguments = _arguments()
    assert arguments["image"] == "academy-sandbox:cpu"
    assert arguments["command"] == ["/opt/sandbox/bin/python", "-c", "pass"]
    assert arguments["working_dir"] == "/tmp"
    assert arguments["stdin_open"] is True and arguments["detach"] is False
    assert arguments["tty"] is False
    assert arguments["use_config_proxy"] is False
    environment = arguments["environment"]
    assert environment["CUDA_VISIBLE_DEVICES"] == "" and environment["SEED"] == "7"
    assert environment["HOME"] == "/tmp"
    assert "SECRET_KEY" not in environment and "DATABASE_URL" not in environment
    assert "DJANGO_SETTINGS_MODULE" not in environment
    assert "device_requests" not in arguments["host_config"]


def test_a_gpu_job_gets_exactly_one_device() -> None:
    arguments = _arguments(gpu_index=1)
    assert arguments["image"] == "academy-sandbox:cuda"
    [request] = arguments["host_config"]["device_requests"]
    assert request["Driver"] == "nvidia"
    assert request["DeviceIDs"] == ["1"]
    assert request["Capabilities"] == [["gpu"]]
    assert request["Count"] == 0  # the listed device only, never "all"
    assert arguments["environment"]["CUDA_VISIBLE_DEVICES"] == "0"


@pytest.mark.docker
def test_the_daemon_applies_them_and_the_container_is_gone_after(docker: DockerSandbox) -> None:
    import docker as docker_sdk

    running = docker.start(
        Job(
            command=("python", "-c", "import time; time.sleep(30)"),
            limits=Limits(memory_mb=300, processes=20, cpus=1.0, tmp_mb=16),
        )
    )
    assert isinstance(running, DockerRunningJob)
    try:
        attributes = docker.api.inspect_container(running.container_id)
    finally:
        result = running.finish(kill=True)
    host = attributes["HostConfig"]
    assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and host["SecurityOpt"] == ["no-new-privileges"]
    assert host["LogConfig"]["Type"] == "none"
    assert host["Memory"] == host["MemorySwap"] == 300 * 1024 * 1024
    assert host["PidsLimit"] == 20 and host["NanoCpus"] == 1_000_000_000
    assert host["Init"] is True and host["Privileged"] is False
    assert [(m["Target"], m["ReadOnly"]) for m in host["Mounts"]] == [("/job", True)]
    assert attributes["Config"]["User"] == "65534:65534"
    assert result.signal == 9 and not result.timed_out and not result.out_of_memory
    with pytest.raises(docker_sdk.errors.NotFound):
        docker.api.inspect_container(running.container_id)
