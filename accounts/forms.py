"""Forms of the account pages: sign-up with e-mail, log-in that knows about verification,
the account page and the deletion's password confirmation."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from courseware.forms import SignupForm


def _clean_email(form: forms.BaseForm, *, except_user: Any = None) -> str:
    email = form.cleaned_data.get("email", "").strip()
    if email and services.email_taken(email=email, except_user=except_user):
        raise forms.ValidationError(_("Another account already uses this e-mail address."))
    return str(email)


class SignupWithEmailForm(SignupForm):
    """The courseware sign-up form with an e-mail address: optional, and needed to reset a
    forgotten password, unless verification is on (then it is required)."""

    email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("E-mail"),
        help_text=_("Needed to reset a forgotten password."),
    )

    class Meta(SignupForm.Meta):
        fields = ("username", "email")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if services.verification_required():
            self.fields["email"].required = True
            self.fields["email"].help_text = _("We send a link to it: open it to log in.")

    def clean_email(self) -> str:
        return _clean_email(self)


class LoginForm(AuthenticationForm):
    """Django's log-in form; with verification on, an unverified learner is told to open the
    link (after the password matched, so the message gives nothing away)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if services.login_blocked_by_verification(user=user):
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>.',
                    gettext("Verify your e-mail address first: open the link we sent to it."),
                    reverse("email_verify_resend"),
                    gettext("Send the link again"),
                ),
                code="unverified",
            )


@cache
def _time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def time_zone_choices() -> list[tuple[str, str]]:
    site = gettext("The site's time (%s)") % settings.TIME_ZONE
    return [("", site), *((name, name) for name in _time_zone_names())]


def language_choices() -> list[tuple[str, str]]:
    return [
        ("", gettext("As my browser asks")),
        *((code, gettext(str(name))) for code, name in settings.LANGUAGES),
    ]


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(max_length=254, required=False, label=_("E-mail"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if services.verification_required():
            self.fields["email"].required = True

    def clean_email(self) -> str:
        return _clean_email(self, except_user=self.user)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        user = self.request.user
        # authenticate() rather than check_password: wrong guesses count towards the login
        # throttle (django-axes), so a borrowed session cannot try passwords here unhindered.
        authenticated = authenticate(self.request, username=user.get_username(), password=password)
        if authenticated is None or authenticated.pk != user.pk:
            raise forms.ValidationError(_("That is not your password."))
        return password
