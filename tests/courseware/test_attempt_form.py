"""The attempt form's stale-tab rule and redisplay, as selectors, without a request."""

import json

import pytest
from django.http import QueryDict

from courseware.errors import ApplicationError
from courseware.selectors import DAMAGED_FORM, attempt_answers_changed, attempt_form


def _items() -> list[dict]:
    return [
        {"id": "q-numeric", "type": "numeric", "saved": 0.25},
        {"id": "q-multiple", "type": "multiple", "saved": ["b", "a"]},
        {"id": "q-text", "type": "text", "saved": None},
    ]


def _form(fields: dict[str, str | list[str]]) -> QueryDict:
    form = QueryDict(mutable=True)
    for name, value in fields.items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


def test_only_answers_that_differ_from_what_the_page_showed_are_changed():
    form = _form(
        {
            "shown-q-numeric": '"0.25"',
            "q-q-numeric": "0.25",
            "shown-q-multiple": '["a", "b"]',
            "q-q-multiple": ["b", "c"],
            "shown-q-text": '""',
            "q-q-text": "mode collapse",
        }
    )

    changed = attempt_answers_changed(items=_items(), form=form)

    assert changed == {"q-multiple": ["b", "c"], "q-text": "mode collapse"}


def test_a_question_without_its_shown_field_is_left_alone():
    form = _form({"q-q-numeric": "", "q-q-text": "typed"})

    assert attempt_answers_changed(items=_items(), form=form) == {}


@pytest.mark.parametrize(
    "shown",
    ['{"not": "a string"}', "not json", "[" * 5000, "x" * (100 * 1024 + 1)],
)
def test_a_shown_field_the_page_does_not_write_refuses_the_post(shown):
    form = _form({"shown-q-numeric": shown, "q-q-numeric": "1"})

    with pytest.raises(ApplicationError) as refused:
        attempt_answers_changed(items=_items(), form=form)

    assert refused.value.message == DAMAGED_FORM
    assert refused.value.status_code == 400


def test_the_form_shows_saved_answers_and_counts_the_answered_ones():
    form = attempt_form(items=_items(), typed={}, error=None)

    assert [(item["shown"], item["saved_display"]) for item in form.items] == [
        (json.dumps("0.25"), "0.25"),
        (json.dumps(["a", "b"]), ["a", "b"]),
        (json.dumps(""), ""),
    ]
    assert form.answered == 2


def test_a_refused_post_shows_what_was_typed_with_the_error_beside_its_question():
    error = ApplicationError(
        "Question 'q-numeric': Enter a number.", extra={"question": "q-numeric"}
    )

    form = attempt_form(items=_items(), typed={"q-numeric": "abc", "q-text": "x"}, error=error)

    assert [(item["saved_display"], item.get("error")) for item in form.items] == [
        ("abc", "Question 'q-numeric': Enter a number."),
        (["a", "b"], None),
        ("x", ""),
    ]
    assert form.items[0]["shown"] == json.dumps("0.25")
