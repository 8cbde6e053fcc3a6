"""The quiz attempt form: what it showed, which answers a post changed, what it shows again.

The stale-tab rule lives here: each question's hidden `shown-` field holds the answer the page
showed, and only answers that differ from it count as changed. A second tab left open with old
answers therefore cannot overwrite what the learner saved from another one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext, gettext_noop

from courseware.errors import ApplicationError

DAMAGED_FORM = gettext_noop(
    "The form was damaged or is out of date: reload the page and try again."
)
# A shown value is at most a saved answer (10 KB of text) written as JSON.
MAX_SHOWN_FIELD = 100 * 1024

_NOT_SHOWN = object()


def _shown_value(item: Mapping[str, Any]) -> Any:
    """The answer as the form shows it: what a later POST is compared with."""
    saved = item.get("saved")
    if item["type"] == "multiple":
        return sorted(saved or [])
    if saved is None:
        return ""
    if item["type"] == "numeric":
        value = float(saved)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(saved)


def _shown_field(form: QueryDict, item: Mapping[str, Any]) -> Any:
    """What the page showed for this question, as its hidden `shown-` field says.

    A question without the field was not on the form that was posted (a bare "submit" post):
    its answer is left alone, so a post missing the fields cannot clear saved answers. A field
    that is not what the page writes refuses the whole post.
    """
    text = form.get(f"shown-{item['id']}")
    if text is None:
        return _NOT_SHOWN
    if len(text) > MAX_SHOWN_FIELD:
        raise ApplicationError(gettext(DAMAGED_FORM))
    try:
        shown = json.loads(text)
    except (ValueError, RecursionError):
        raise ApplicationError(gettext(DAMAGED_FORM)) from None
    if item["type"] == "multiple":
        valid = isinstance(shown, list) and all(isinstance(value, str) for value in shown)
    else:
        valid = isinstance(shown, str)
    if not valid:
        raise ApplicationError(gettext(DAMAGED_FORM))
    return shown


def attempt_answers_changed(*, items: list[dict[str, Any]], form: QueryDict) -> dict[str, Any]:
    """Question id -> answer, for the answers this post changed from what its page showed.

    Raises ApplicationError when a `shown-` field is not what the page writes.
    """
    changed: dict[str, Any] = {}
    for item in items:
        name = f"q-{item['id']}"
        raw: Any = sorted(form.getlist(name)) if item["type"] == "multiple" else form.get(name, "")
        shown = _shown_field(form, item)
        if shown is not _NOT_SHOWN and raw != shown:
            changed[item["id"]] = raw
    return changed


@dataclass
class AttemptForm:
    items: list[dict[str, Any]]
    answered: int


def attempt_form(
    *,
    items: list[dict[str, Any]],
    typed: Mapping[str, Any],
    error: ApplicationError | None,
) -> AttemptForm:
    """The attempt's questions ready for the form, and how many have a saved answer.

    `typed` holds what a refused post changed: it is shown again, so nothing typed is lost
    (none of it was saved), and the error goes beside the question it names.
    """
    for item in items:
        if item["id"] in typed:
            item["saved_display"] = typed[item["id"]]
            item["error"] = (
                error.message if error and error.extra.get("question") == item["id"] else ""
            )
    for item in items:
        item["shown"] = json.dumps(_shown_value(item))
        item.setdefault("saved_display", _shown_value(item))
    answered = sum(1 for item in items if item.get("saved") not in (None, [], ""))
    return AttemptForm(items=items, answered=answered)
