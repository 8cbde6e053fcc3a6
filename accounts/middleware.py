"""Pages show times in the learner's own time zone (their profile's), once logged in."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from accounts.models import Profile

            name = (
                Profile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""
            )
        try:
            if name:
                timezone.activate(zoneinfo.ZoneInfo(name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
