"""The deployment files: Compose describes the production set, and .env.example lists every
setting the code reads."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_has_every_service_with_a_health_check() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "gpu-worker"} <= set(services)
    for name in ("db", "redis", "web", "worker", "gpu-worker"):
        assert "test" in services[name]["healthcheck"], name
    gpu = services["gpu-worker"]
    assert gpu["profiles"] == ["gpu"]
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
    assert "-Q grading-gpu" in gpu["command"]
    assert "grading-gpu" not in services["worker"]["command"]


def test_compose_validates_with_docker_compose_where_installed(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if (
        docker is None
        or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0
    ):
        pytest.skip("Docker Compose is not installed here; the YAML checks above still ran")
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    result = subprocess.run(
        [
            docker,
            "compose",
            "-f",
            str(ROOT / "docker-compose.yml"),
            "--env-file",
            str(tmp_path / ".env"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_setting_read_from_the_environment() -> None:
    settings = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings))
    read |= set(re.findall(r"^\s+([A-Z_]+)=\(", settings, re.MULTILINE))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()
