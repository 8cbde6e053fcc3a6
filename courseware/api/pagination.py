"""Paging of the API's lists: `?limit=&offset=`, answered as `{count, next, previous, results}`."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
