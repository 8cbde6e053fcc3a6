"""Pages follow the learner's own preferences, once logged in: their profile's time zone and
language (the account page and the language switcher set them)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class PreferencesMiddleware:
    """After LocaleMiddleware and the authentication: a signed-in learner's saved language
    overrides what the browser or the language cookie asked for; no saved language leaves
    LocaleMiddleware's choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        time_zone, language = "", ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from accounts.models import Profile

            saved = Profile.objects.filter(user=user).values_list("time_zone", "language").first()
            if saved is not None:
                time_zone, language = saved
        try:
            if time_zone:
                timezone.activate(zoneinfo.ZoneInfo(time_zone))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        if language:
            try:
                supported = translation.get_supported_language_variant(language)
            except LookupError:
                supported = ""
            if supported:
                translation.activate(supported)
                request.LANGUAGE_CODE = supported  # type: ignore[attr-defined]
        return self.get_response(request)
