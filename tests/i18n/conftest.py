"""The Spanish pages need the compiled catalogs."""

import pytest

from tests.i18n.catalogs import compile_catalogs


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    compile_catalogs()
