"""Fixtures for the sandbox tests: the real bubblewrap backend with the real sandbox Python (warm,
and cold: a fresh bwrap per job), the real Docker backend with the real sandbox image (cold, and
warm: each job in a pre-warmed container), and `sandbox`, each of them in turn."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.backends.docker import DockerSandbox
from sandbox.base import Sandbox
from tests.docker_support import docker_sandbox


@pytest.fixture(scope="session")
def bwrap() -> BwrapSandbox:
    return BwrapSandbox(python=settings.SANDBOX_PYTHON)


@pytest.fixture(scope="session")
def bwrap_cold() -> BwrapSandbox:
    return BwrapSandbox(python=settings.SANDBOX_PYTHON, warm=False)


@pytest.fixture(scope="session")
def docker() -> DockerSandbox:
    return docker_sandbox(warm=False)


@pytest.fixture(scope="session")
def docker_warm() -> Iterator[DockerSandbox]:
    sandbox = docker_sandbox(warm=True)
    yield sandbox
    sandbox.warm_pool.close()


@pytest.fixture(
    params=[
        "bwrap",
        pytest.param("docker", marks=pytest.mark.docker),
        pytest.param("docker_warm", marks=pytest.mark.docker),
    ]
)
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """Every backend and path in turn: the conformance suite must hold for each."""
    return request.getfixturevalue(request.param)


@pytest.fixture(
    params=[
        "bwrap",
        "bwrap_cold",
        pytest.param("docker", marks=pytest.mark.docker),
        pytest.param("docker_warm", marks=pytest.mark.docker),
    ]
)
def every_backend(request: pytest.FixtureRequest) -> Sandbox:
    """Every backend and path: bubblewrap warm and cold, Docker cold and warm."""
    return request.getfixturevalue(request.param)
