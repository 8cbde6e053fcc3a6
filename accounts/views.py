"""Account pages. Log-in, log-out, password reset and change are Django's own views (see
accounts/urls.py); these add sign-up with e-mail, verification, the account page, the data
export and deletion."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import api_tokens, services
from accounts.forms import AccountForm, DeleteAccountForm, SignupWithEmailForm
from courseware import enrolment as enrolment_services
from courseware.errors import ApplicationError


def _accept_invitation(request: HttpRequest, token: str, user: Any) -> HttpResponse | None:
    """The course an invitation link enrols into, once accepted; None without a valid one."""
    enrolment = (
        enrolment_services.invitation_accept(token=token, user_id=user.pk) if token else None
    )
    if enrolment is None:
        return None
    messages.success(request, _("You are enrolled in %s.") % enrolment.course.title)
    return redirect("courseware:course", course_slug=enrolment.course.slug)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    # An invitation link (courseware.enrolment) carries its token here; signing up with it
    # enrols the new account into the invitation's course.
    invitation = (request.POST.get("invitation") or request.GET.get("invitation") or "")[:64]
    if request.user.is_authenticated:
        accepted = _accept_invitation(request, invitation, request.user)
        return accepted or redirect("courseware:home")
    form = SignupWithEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.profile_get(user=user)
        accepted = _accept_invitation(request, invitation, user)
        if services.verification_required():
            services.verification_send(request=request, user=user)
            return render(request, "accounts/verify_sent.html", {"email": user.email})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %s!") % user.get_username())
        return accepted or redirect("courseware:home")
    # A refused form answers 200, as the courseware sign-up always has.
    context = {"form": form, "invitation": invitation}
    return render(request, "registration/signup.html", context)


@require_GET
def email_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.verification_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Your e-mail address is verified."))
    return redirect("account" if request.user.is_authenticated else "login")


@require_http_methods(["GET", "POST"])
def email_verify_resend(request: HttpRequest) -> HttpResponse:
    """Send the link again: to the logged-in learner's address, or to the address typed in.
    The answer is the same whether or not an account has it (no account discovery)."""
    from django.contrib.auth import get_user_model

    if request.method == "POST":
        if request.user.is_authenticated:
            users: Any = [request.user]
            email = request.user.email
        else:
            email = request.POST.get("email", "").strip()[:254]
            users = get_user_model().objects.filter(email__iexact=email) if email else []
        for user in users:
            if not services.profile_get(user=user).email_verified:
                services.verification_send(request=request, user=user)
        return render(request, "accounts/verify_sent.html", {"email": email})
    return render(request, "accounts/verify_resend.html")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switcher on every page: Django's set_language (the language cookie and the
    way back to the page), and for a signed-in learner the choice saved to their account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.profile_language_set(user=request.user, language=language)
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a link that worked also proves the learner reads mail at the address."""

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        services.email_mark_verified(user=self.user)
        return response


def _account_form_initial(user: Any) -> dict[str, str]:
    profile = services.profile_get(user=user)
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "time_zone": profile.time_zone,
        "language": profile.language,
    }


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    profile = services.profile_get(user=user)
    form: AccountForm
    if request.method == "POST":
        form = AccountForm(request.POST, user=user)
        if form.is_valid():
            email_changed = services.account_update(user=user, **form.cleaned_data)
            if email_changed and user.email and services.verification_required():
                services.verification_send(request=request, user=user)
                messages.info(request, _("We sent a link to %s: open it to verify.") % user.email)
            messages.success(request, _("Your account is saved."))
            response = redirect("account")
            # The language preference reaches LocaleMiddleware as Django's set_language does.
            if profile.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, profile.language)
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
        status = 400
    else:
        form = AccountForm(initial=_account_form_initial(user), user=user)
        status = 200
    return _account_page(request, form=form, status=status)


def _account_page(
    request: HttpRequest,
    *,
    form: AccountForm | None = None,
    new_token: api_tokens.NewToken | None = None,
    token_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    context = {
        "form": form or AccountForm(initial=_account_form_initial(user), user=user),
        "profile": services.profile_get(user=user),
        "verification_required": services.verification_required(),
        "api_tokens": api_tokens.api_tokens_of(user=user),
        "new_token": new_token,
        "token_error": token_error,
    }
    response = render(request, "accounts/account.html", context, status=status)
    if new_token is not None:
        # The page holds a secret shown once: no cache may keep it.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Make a personal API token; the page that answers shows its secret, this once."""
    try:
        new_token = api_tokens.api_token_create(
            user=request.user, name=request.POST.get("name", "")
        )
    except ApplicationError as error:
        return _account_page(request, token_error=error.message, status=error.status_code)
    return _account_page(request, new_token=new_token, status=201)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_tokens.api_token_revoke(user=request.user, token_pk=pk)
    except ApplicationError as error:
        return _account_page(request, token_error=error.message, status=error.status_code)
    messages.success(request, _("The token %s is revoked.") % token.name)
    return redirect("account")


@login_required
@require_GET
def account_export(request: HttpRequest) -> HttpResponse:
    """Download my data: the learner's own rows only (there is no way to name another user)."""
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    filename = f"academy-{request.user.get_username()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff:
        # Staff accounts hold the site's administration; an administrator removes them.
        return render(request, "accounts/delete.html", {"staff": True}, status=403)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            user: Any = request.user
            logout(request)
            services.account_delete(user=user)
            messages.success(request, _("Your account and everything in it are deleted."))
            return redirect("courseware:home")
        return render(request, "accounts/delete.html", {"form": form}, status=400)
    return render(request, "accounts/delete.html", {"form": form})
