"""The choice of backend: `get_sandbox()` builds the one named by settings.SANDBOX_BACKEND, once
per process. The backends import only sandbox/base.py and sandbox/jobs.py, never this module."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox
from sandbox.backends.docker import DockerSandbox
from sandbox.base import Sandbox
from sandbox.jobs import SandboxError

_sandboxes: dict[str, Sandbox] = {}
_lock = threading.Lock()


def get_sandbox(name: str | None = None) -> Sandbox:
    """The configured backend (settings.SANDBOX_BACKEND), built once per process."""
    backend: str = name or settings.SANDBOX_BACKEND
    with _lock:
        if backend not in _sandboxes:
            _sandboxes[backend] = _build(backend)
        return _sandboxes[backend]


def build_sandbox(name: str | None = None) -> Sandbox:
    """A new instance of the configured backend, not shared with get_sandbox()'s: for a one-off
    check (the GPU probe at a worker's start) whose warm state must not leak into the forked
    worker processes. The caller closes it."""
    return _build(name or settings.SANDBOX_BACKEND)


def _build(backend: str) -> Sandbox:
    gpus: int = settings.SANDBOX_GPUS
    warm: bool = settings.SANDBOX_WARM
    gpu_lock_dir = Path(settings.SANDBOX_GPU_LOCK_DIR)
    if backend == "bwrap":
        python: str = settings.SANDBOX_PYTHON
        unenforced: bool = settings.SANDBOX_ALLOW_UNENFORCED_LIMITS
        return BwrapSandbox(
            python=python,
            allow_unenforced_limits=unenforced,
            gpus=gpus,
            gpu_lock_dir=gpu_lock_dir,
            warm=warm,
        )
    if backend == "docker":
        return DockerSandbox(
            image=settings.SANDBOX_DOCKER_IMAGE,
            gpu_image=settings.SANDBOX_DOCKER_GPU_IMAGE,
            job_root=settings.SANDBOX_DOCKER_JOB_ROOT,
            gpus=gpus,
            gpu_lock_dir=gpu_lock_dir,
            warm=warm,
        )
    raise SandboxError(f"Unknown SANDBOX_BACKEND {backend!r}: use 'bwrap' or 'docker'.")
