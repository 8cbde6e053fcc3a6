"""The shipped locale is complete: every entry of its catalogs translated, none fuzzy, and the
catalogs hold every string the code and templates mark (as `make messages` would find them)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.i18n.catalogs import LOCALE, SHIPPED_LANGUAGES, catalog_files

ROOT = Path(settings.BASE_DIR)
DOMAINS = ("django", "djangojs")
# What `make messages` leaves out (the Makefile's LOCALE_IGNORE), and what it never reads.
NOT_SOURCES = {"tests", "bench", "deploy", "var", "docs", "requirements"}


def _catalog(language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def test_the_shipped_languages_are_english_and_spanish() -> None:
    assert settings.LANGUAGE_CODE == "en"
    assert [code for code, _name in settings.LANGUAGES] == ["en", "es"]
    assert SHIPPED_LANGUAGES == ["es"]
    assert [path.relative_to(LOCALE).as_posix() for path in catalog_files()] == [
        "es/LC_MESSAGES/django.po",
        "es/LC_MESSAGES/djangojs.po",
    ]


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language: str, domain: str) -> None:
    catalog = _catalog(language, domain)
    assert len(catalog) > 0
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalog.obsolete_entries()] == []
    assert not catalog.metadata_is_fuzzy
    assert catalog.metadata["Language"] == language
    assert catalog.percent_translated() == 100


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language: str) -> None:
    """A translation that drops or renames %(name)s would fail when it is shown."""

    placeholder = re.compile(r"%(?:\([a-z_0-9]+\))?[sdr]|%%", re.IGNORECASE)
    wrong = []
    for domain in DOMAINS:
        for entry in _catalog(language, domain):
            if entry.msgid_plural:
                # The first form answers the singular msgid, the others the plural.
                pairs = [
                    (entry.msgid if form == 0 else entry.msgid_plural, text)
                    for form, text in entry.msgstr_plural.items()
                ]
            else:
                pairs = [(entry.msgid, entry.msgstr)]
            for source, text in pairs:
                needed = sorted(set(placeholder.findall(source)) - {"%(counter)s", "%(count)s"})
                if not set(needed) <= set(placeholder.findall(text)):
                    wrong.append(entry.msgid)
    assert wrong == []


def _fresh_catalogs(into: Path) -> dict[str, set[str]]:
    """What `make messages` would extract now: makemessages run over a copy of the sources
    (it writes where it reads, so not over the checkout), with the Makefile's exclusions."""
    for item in ROOT.iterdir():
        if item.name.startswith(".") or item.name in NOT_SOURCES:
            continue
        if (
            item.is_dir()
            and (item / "__init__.py").exists()
            or item.name
            in {
                "config",
                "templates",
                "locale",
            }
        ):
            shutil.copytree(item, into / item.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "static" / "js", into / "static" / "js")
    (into / "static" / "js" / "editor.bundle.js").unlink(missing_ok=True)
    shutil.copytree(ROOT / "frontend" / "src", into / "frontend" / "src")
    shutil.rmtree(into / "content" / "gen-ai-guide", ignore_errors=True)
    shutil.copy(ROOT / "manage.py", into / "manage.py")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "es", "-d", domain],
            cwd=into,
            env=environment,
            check=True,
            capture_output=True,
        )
    return {
        domain: {
            entry.msgid
            for entry in polib.pofile(str(into / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po"))
            if not entry.obsolete
        }
        for domain in DOMAINS
    }


def test_the_catalogs_hold_every_marked_string(tmp_path: Path) -> None:
    fresh = _fresh_catalogs(tmp_path)
    for domain in DOMAINS:
        shipped = {entry.msgid for entry in _catalog("es", domain) if not entry.obsolete}
        # A string marked since the last `make messages` is missing from the shipped catalog.
        assert sorted(fresh[domain] - shipped) == [], f"run `make messages` ({domain})"
        assert sorted(shipped - fresh[domain]) == [], f"run `make messages` ({domain})"
