"""The account steps browser tests share: sign up, log in and out, and reset a forgotten
password from the link in the e-mail (the live server runs in the test's process, so the mail
lands in django.core.mail.outbox)."""

from __future__ import annotations

import re

from django.core import mail


def sign_up(page, base: str, *, username: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def log_out(page) -> None:
    page.click("header .account-nav button[type=submit]")
    page.wait_for_load_state()


def reset_password(page, base: str, *, email: str, new_password: str) -> None:
    """From the login page's "Forgot your password?" to "Password set", through the link in
    the one e-mail the reset sends."""
    sent_before = len(mail.outbox)
    page.goto(f"{base}/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("#id_email", email)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Check your e-mail"
    assert [message.to for message in mail.outbox[sent_before:]] == [[email]]
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert link.startswith(f"{base}/accounts/password/reset/")
    page.goto(link)
    assert page.inner_text("h1") == "Choose a new password"
    page.fill("#id_new_password1", new_password)
    page.fill("#id_new_password2", new_password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Password set"


def sign_up_and_reset_the_password(
    page, base: str, *, username: str, email: str, first_password: str, new_password: str
) -> None:
    """A newcomer signs up (logged in at once: verification is off by default), logs out,
    forgets the password and resets it from the e-mail: the old one is refused, the new one
    logs in."""
    sign_up(page, base, username=username, email=email, password=first_password)
    assert page.inner_text("header .account-nav__user") == username
    log_out(page)
    reset_password(page, base, email=email, new_password=new_password)
    log_in(page, base, username, first_password)
    assert page.locator(".error-box").count() == 1
    log_in(page, base, username, new_password)
    assert page.inner_text("header .account-nav__user") == username
