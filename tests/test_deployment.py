"""The deployment files read without starting them: Compose describes the production set of
images that deploy/build-images.sh builds, and .env.example lists every setting the code reads.
tests/deployment/ brings the set up."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


SERVICES = ("db", "redis", "web", "proxy", "beat", "worker", "worker-2", "gpu-worker")


def test_compose_has_every_service_with_a_health_check() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == set(SERVICES)
    for name in SERVICES:
        assert "test" in services[name]["healthcheck"], name
        # Every image is one that deploy/build-images.sh builds: nothing comes from a registry.
        assert services[name]["image"] in BUILT, name
        assert "build" not in services[name], name
    gpu = services["gpu-worker"]
    assert gpu["profiles"] == ["gpu"]
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
    assert "-Q grading-gpu" in gpu["command"]
    assert gpu["environment"]["SANDBOX_GPUS"] == "1"
    for name in ("worker", "worker-2"):
        worker = services[name]
        assert "-Q grading,default" in worker["command"] and "grading-gpu" not in worker["command"]
        assert worker["environment"]["SANDBOX_BACKEND"] == "docker"
        assert "/var/run/docker.sock:/var/run/docker.sock" in worker["volumes"]
        # The job root has the same path in the worker as on the host, whose daemon mounts it.
        root = worker["environment"]["SANDBOX_DOCKER_JOB_ROOT"]
        assert f"{root}:{root}" in worker["volumes"]
    assert services["web"]["environment"]["DEBUG"] == "false"
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert "ports" not in services["web"] and "ports" not in services["db"]


BUILT = {
    "academy-app:latest",
    "academy-proxy:latest",
    "academy-db:latest",
    "academy-redis:latest",
}


def test_build_script_builds_every_image_of_compose() -> None:
    script = (ROOT / "deploy" / "build-images.sh").read_text()
    for image in BUILT:
        assert f"build {image} " in script, image
    assert "sandbox/images/build-base.sh --if-stale" in script


def test_proxy_caps_bodies_serves_static_files_and_sets_headers() -> None:
    conf = (ROOT / "deploy" / "proxy" / "nginx.conf").read_text()
    assert "client_max_body_size 3m;" in conf
    assert "alias /srv/static/;" in conf
    assert "add_header X-Content-Type-Options nosniff always;" in conf
    assert "proxy_pass $upstream;" in conf and "set $upstream http://web:8000;" in conf


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_validates_with_docker_compose_where_installed(tmp_path: Path) -> None:
    compose = _compose_command()
    if compose is None:
        pytest.skip("Docker Compose is not installed here; the YAML checks above still ran")
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    result = subprocess.run(
        [*compose, "-f", str(ROOT / "docker-compose.yml"), "--profile", "gpu", "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "ACADEMY_ENV_FILE": str(tmp_path / ".env"),
            "ACADEMY_DB_PASSWORD": "checked-only",
            "DOCKER_GID": "999",
        },
    )
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_setting_read_from_the_environment() -> None:
    settings = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings))
    read |= set(re.findall(r"^\s+([A-Z_]+)=\(", settings, re.MULTILINE))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()
