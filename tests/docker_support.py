"""The Docker backend for tests: the real daemon and the real sandbox image.

`make test` starts a daemon and builds the image (Makefile targets docker-daemon and
sandbox-image). Without a reachable daemon the docker tests are skipped, saying why; with a
daemon but no image they fail, since that is a broken setup rather than a missing one.
"""

import pytest
from django.conf import settings

from sandbox.backends.docker import DockerSandbox
from sandbox.base import RunningJob
from sandbox.jobs import Job


class WarmDockerSandbox(DockerSandbox):
    """The Docker backend whose jobs each wait for a ready warm container, so that every job
    that can take the warm path does (the real backend takes it only when one is ready)."""

    def start(self, job: Job) -> RunningJob:
        if self.uses_warm_path(job):
            shape = self.shape(job)
            self.warm_pool.fill(shape, job.limits)
            assert self.warm_pool.wait_until_ready(shape, 60), "no warm container got ready"
        return super().start(job)


def docker_sandbox(*, warm: bool = False) -> DockerSandbox:
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
    backend = WarmDockerSandbox if warm else DockerSandbox
    return backend(
        image=settings.SANDBOX_DOCKER_IMAGE,
        gpu_image=settings.SANDBOX_DOCKER_GPU_IMAGE,
        gpus=0,
        warm=warm,
    )
