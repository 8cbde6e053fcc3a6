"""Login throttling (django-axes): after the failure limit for a username, or from an address,
logins are refused for a cool-off period, on the site's login and the admin's alike; a
successful login clears the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone

from config.security import client_ip
from tests.courseware.factories import PASSWORD, UserFactory

SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Too many failed logins"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(url: str, username: str, password: str, address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(url, {"username": username, "password": password})
    return client, response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(url: str, username: str, times: int, address: str = "10.0.0.1") -> list[int]:
    statuses = []
    for _ in range(times):
        client, response = _post(url, username, "wrong-password", address)
        assert not _logged_in(client)
        statuses.append(response.status_code)
    return statuses


def test_the_failure_that_reaches_the_limit_is_already_refused(db) -> None:
    UserFactory(username="typo")
    # The form again with its error four times; the fifth failure locks.
    assert _fail(SITE_LOGIN, "typo", 5) == [200, 200, 200, 200, 429]


def test_the_limit_is_a_setting_of_five_by_default() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_a_username_is_locked_after_five_failures_from_any_addresses(url) -> None:
    UserFactory(username="target", is_staff=True)
    for number in range(5):
        _fail(url, "target", 1, address=f"10.0.1.{number}")
    client, response = _post(url, "target", PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_an_address_is_locked_after_five_failures_with_any_usernames(url) -> None:
    UserFactory(username="innocent", is_staff=True)
    for number in range(5):
        _fail(url, f"guess{number}", 1, address="10.0.3.3")
    client, response = _post(url, "innocent", PASSWORD, address="10.0.3.3")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)
    # The same user from another address is not locked.
    client, response = _post(url, "innocent", PASSWORD, address="10.0.4.4")
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_four_failures_do_not_lock_and_a_success_clears_them() -> None:
    UserFactory(username="forgetful")
    _fail(SITE_LOGIN, "forgetful", 4)
    client, response = _post(SITE_LOGIN, "forgetful", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)
    _fail(SITE_LOGIN, "forgetful", 4)
    client, response = _post(SITE_LOGIN, "forgetful", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off() -> None:
    UserFactory(username="patient")
    _fail(SITE_LOGIN, "patient", 5)
    _, response = _post(SITE_LOGIN, "patient", PASSWORD)
    assert response.status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    client, response = _post(SITE_LOGIN, "patient", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(settings) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.9.9.9"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the address our proxy saw, not a forged one
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the header is not trusted
    assert client_ip(request) == "10.9.9.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    ["x" * 5000, "nul\x00name"],
    ids=["very-long", "nul"],
)
def test_a_hostile_username_is_a_failed_login_not_a_500(username) -> None:
    client = Client(REMOTE_ADDR="10.0.5.5", raise_request_exception=False)
    response = client.post(SITE_LOGIN, {"username": username, "password": "x"})
    assert response.status_code == 200
    assert not _logged_in(client)


@pytest.mark.django_db
def test_very_long_usernames_are_counted_under_their_first_255_characters() -> None:
    for _ in range(5):
        _post(SITE_LOGIN, "y" * 300, "x", address="10.0.6.6")
    assert AccessAttempt.objects.get().username == "y" * 255
    assert AccessAttempt.objects.get().failures_since_start == 5
