"""Fixtures for the sandbox tests: the real bubblewrap backend with the real sandbox Python."""

import pytest
from django.conf import settings

from sandbox.backends.bwrap import BwrapSandbox


@pytest.fixture(scope="session")
def bwrap() -> BwrapSandbox:
    return BwrapSandbox(python=settings.SANDBOX_PYTHON)
