"""Fixtures for the sandbox tests: the real bubblewrap backend with the real sandbox Python, the
real Docker backend with the real sandbox image, and `sandbox`, each of them in turn."""

import pytest
from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.backends.docker import DockerSandbox
from sandbox.runner import Sandbox
from tests.docker_support import docker_sandbox


@pytest.fixture(scope="session")
def bwrap() -> BwrapSandbox:
    return BwrapSandbox(python=settings.SANDBOX_PYTHON)


@pytest.fixture(scope="session")
def docker() -> DockerSandbox:
    return docker_sandbox()


@pytest.fixture(params=["bwrap", pytest.param("docker", marks=pytest.mark.docker)])
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """Every backend in turn: the conformance suite must hold for each."""
    return request.getfixturevalue(request.param)
