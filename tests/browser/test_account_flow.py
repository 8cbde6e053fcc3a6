"""A new learner's account in Chromium: signs up with an e-mail address, logs out, resets the
forgotten password from the link in the e-mail it receives (the live server runs in this
process, so the mail lands in django.core.mail.outbox), edits the account page, downloads
their data, changes the password, and deletes the account. No page breaks the CSP."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Profile
from tests.browser.accounts import log_in, sign_up_and_reset_the_password
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_PASSWORD = "first-long-password-1"
RESET_PASSWORD = "second-long-password-2"
CHANGED_PASSWORD = "third-long-password-3"


def test_a_learner_signs_up_resets_edits_exports_and_deletes(page, live_server) -> None:
    base = live_server.url
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # Sign up with an e-mail address, then reset the forgotten password from the e-mail.
    sign_up_and_reset_the_password(
        page,
        base,
        username="newcomer",
        email="newcomer@example.org",
        first_password=FIRST_PASSWORD,
        new_password=RESET_PASSWORD,
    )

    # The account page, from the header: a bad address is refused, a good edit is saved.
    page.click("header .account-nav a[href='/accounts/']")
    assert page.inner_text("h1") == "Your account"
    page.fill("#id_first_name", "New")
    page.fill("#id_email", "not an address")
    page.click("main form[action='/accounts/'] button[type=submit]")
    assert page.locator(".errorlist").count() == 1
    assert get_user_model().objects.get(username="newcomer").first_name == ""
    page.fill("#id_email", "newcomer@example.org")
    page.select_option("#id_time_zone", "America/Montevideo")
    page.click("main form[action='/accounts/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".message--success").inner_text() == "Your account is saved."
    assert Profile.objects.get(user__username="newcomer").time_zone == "America/Montevideo"
    screenshot(page, "account-page")
    # The header with its account link and the page fit a 375 px phone.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "account-page-375")
    page.set_viewport_size({"width": 1200, "height": 900})

    # Download my data.
    with page.expect_download() as download_info:
        page.click("text=Download my data")
    download = download_info.value
    assert download.suggested_filename == "academy-newcomer.json"
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["first_name"] == "New"
    assert data["account"]["time_zone"] == "America/Montevideo"
    assert data["account"]["email_verified"] is True  # the reset link proved the address

    # Change the password.
    page.click("text=Change your password")
    page.fill("#id_old_password", RESET_PASSWORD)
    page.fill("#id_new_password1", CHANGED_PASSWORD)
    page.fill("#id_new_password2", CHANGED_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Password changed"

    # Delete the account: a wrong password is refused, the right one deletes it.
    page.goto(f"{base}/accounts/delete/")
    page.fill("#id_password", RESET_PASSWORD)
    page.click("main button[type=submit]")
    assert page.locator(".errorlist").inner_text() == "That is not your password."
    page.fill("#id_password", CHANGED_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Your account and everything in it are deleted." in page.inner_text("main")
    assert not get_user_model().objects.filter(username="newcomer").exists()
    log_in(page, base, "newcomer", CHANGED_PASSWORD)
    assert page.locator(".error-box").count() == 1

    assert csp_errors == []
