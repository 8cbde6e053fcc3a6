"""The interface's translation catalogs, for the tests: where they are, and their compiled .mo
files built when missing or older than their .po (a checkout that skipped `make setup`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.LOCALE_PATHS[0])
SHIPPED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def compile_catalogs() -> None:
    stale = [
        po
        for po in catalog_files()
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        # Only our own locale folder: compilemessages would otherwise walk the whole tree.
        call_command(
            "compilemessages",
            locale=SHIPPED_LANGUAGES,
            verbosity=0,
            ignore_patterns=[
                ".*",
                "var",
                "frontend",
                "content",
                "tests",
                "bench",
                "deploy",
                "node_modules",
            ],
        )
