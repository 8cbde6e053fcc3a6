"""Production settings refuse to start without a real secret key, turn HTTPS protections on, and
pass `manage.py check --deploy`; the test suite runs with a key drawn for the run.

The settings are imported in subprocesses with a clean environment, as a server would start."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client, override_settings
from django.utils.safestring import mark_safe

ROOT = Path(__file__).resolve().parents[1]
OLD_DEFAULT_KEY = "dev-only-insecure-key-change-me"
ENV_EXAMPLE_KEY = re.search(
    r"^DJANGO_SECRET_KEY=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE
)


def good_key() -> str:
    return secrets.token_urlsafe(64)


def _start(environment: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    """Load the settings as a server process does, with only these variables set."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ACADEMY_VAR_DIR": str(ROOT / "var"),
        **environment,
    }
    script = "import django; django.setup(); from django.conf import settings\n" + (
        code or "print('started')"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_example_names_a_placeholder_key() -> None:
    assert ENV_EXAMPLE_KEY is not None
    assert ENV_EXAMPLE_KEY.group(1).strip()


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "short-but-random-Xq93Lk",
        "ab" * 40,  # long enough, two distinct characters
        OLD_DEFAULT_KEY,
        "change-me",
        "please-change-me-" + "x1y2z3w4" * 6,
        "django-insecure-" + "q8Wz1kP0" * 6,
        "env-example",  # replaced below with the value .env.example shows
    ],
    ids=[
        "unset",
        "empty",
        "short",
        "few-unique-characters",
        "old-default",
        "change-me",
        "contains-change-me",
        "django-insecure",
        "env-example",
    ],
)
def test_production_settings_refuse_to_start_without_a_real_key(key: str | None) -> None:
    environment = {"DEBUG": "false"}
    if key == "env-example":
        assert ENV_EXAMPLE_KEY is not None
        key = ENV_EXAMPLE_KEY.group(1).strip()
    if key is not None:
        environment["DJANGO_SECRET_KEY"] = key
    result = _start(environment)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_old_variable_name_is_not_read_and_the_message_says_so() -> None:
    result = _start({"DEBUG": "false", "SECRET_KEY": good_key()})
    assert result.returncode != 0
    assert "SECRET_KEY is no longer read" in result.stderr


def test_production_settings_start_with_a_real_key() -> None:
    key = good_key()
    result = _start(
        {"DEBUG": "false", "DJANGO_SECRET_KEY": key},
        "print(settings.SECRET_KEY == " + repr(key) + ")",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_key_can_come_from_a_secret_file(tmp_path: Path) -> None:
    key = good_key()
    secret = tmp_path / "django_secret_key"
    secret.write_text(key + "\n")
    result = _start(
        {"DEBUG": "false", "DJANGO_SECRET_KEY_FILE": str(secret)},
        "print(settings.SECRET_KEY == " + repr(key) + ")",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_debug_settings_start_without_a_key() -> None:
    result = _start({"DEBUG": "true"}, "print(len(settings.SECRET_KEY) >= 50)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_https_protections_are_on_by_default_in_production() -> None:
    result = _start(
        {"DEBUG": "false", "DJANGO_SECRET_KEY": good_key()},
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS >= 31536000, "
        "settings.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_https_protections_can_be_turned_off_for_plain_http_servers() -> None:
    result = _start(
        {"DEBUG": "false", "DJANGO_SECRET_KEY": good_key(), "DJANGO_HTTPS": "false"},
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False False 0 None"


def test_check_deploy_is_clean_with_production_settings() -> None:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ACADEMY_VAR_DIR": str(ROOT / "var"),
        "DEBUG": "false",
        "DJANGO_SECRET_KEY": good_key(),
        "ALLOWED_HOSTS": "academy.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_test_suite_runs_with_a_real_key() -> None:
    assert settings.SECRET_KEY != OLD_DEFAULT_KEY
    assert len(settings.SECRET_KEY) >= 50 and len(set(settings.SECRET_KEY)) >= 5
    # Subprocesses the tests start (workers, servers) read the same key.
    assert os.environ["DJANGO_SECRET_KEY"] == settings.SECRET_KEY


@pytest.mark.django_db
def test_a_messages_cookie_signed_with_the_old_default_key_injects_nothing(
    client: Client,
) -> None:
    """The old public key let anyone sign a messages cookie carrying "safe" HTML."""
    payload = mark_safe("<script>alert('forged')</script>")
    with override_settings(SECRET_KEY=OLD_DEFAULT_KEY):
        storage = CookieStorage(HttpRequest())
        forged = storage._encode([Message(constants.ERROR, payload)])
    assert forged is not None
    client.cookies[CookieStorage.cookie_name] = forged
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"alert('forged')" not in response.content
