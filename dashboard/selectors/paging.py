"""One page of a list the dashboard has computed whole (the heatmap's rows, the learners who need
attention): the whole is needed for medians and ranking, a page is what is rendered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext

from courseware.errors import ApplicationError

ROWS_PER_PAGE = 100

Row = TypeVar("Row")


def page_of(rows: Sequence[Row], number: str, per_page: int | None = None) -> Page[Row]:
    """The page `number` (from the query string, "1" when blank); a bad number is a 400."""
    try:
        return Paginator(rows, per_page or ROWS_PER_PAGE).page(number or "1")
    except (PageNotAnInteger, EmptyPage) as error:
        raise ApplicationError(
            gettext("There is no page “%(number)s” of this list.") % {"number": number}
        ) from error
