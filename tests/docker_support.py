"""The Docker backend for tests: the real daemon and the real sandbox image.

`make test` starts a daemon and builds the image (Makefile targets docker-daemon and
sandbox-image). Without a reachable daemon the docker tests are skipped, saying why; with a
daemon but no image they fail, since that is a broken setup rather than a missing one.
"""

import pytest
from django.conf import settings

from sandbox.backends.docker import DockerSandbox


def docker_sandbox() -> DockerSandbox:
    import docker

    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except docker.errors.DockerException as error:
        pytest.skip(f"no Docker daemon is reachable ({error}); `make docker-daemon` starts one")
    try:
        client.images.get(settings.SANDBOX_DOCKER_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(
            f"the sandbox image {settings.SANDBOX_DOCKER_IMAGE} is missing: run `make sandbox-image`"
        )
    finally:
        client.close()
    return DockerSandbox(
        image=settings.SANDBOX_DOCKER_IMAGE,
        gpu_image=settings.SANDBOX_DOCKER_GPU_IMAGE,
        gpus=0,
    )
