"""The attempt page says which questions are unanswered, without scripts, and loses nothing.

A plain-form learner (no JavaScript) cannot get the confirmation dialog, so the page itself
lists the questions left unanswered next to the submit button; the dialog's own behaviour is
tested in Chromium (tests/browser/test_quiz_unanswered.py).
"""

import re

from courseware.models import Question
from tests.courseware.helpers import right_answers
from tests.courseware.test_pages import client_for, page, shown, start_attempt


def _note(html: str) -> str:
    match = re.search(r'<p class="small unanswered-note" id="unanswered-note"( hidden)?>', html)
    assert match is not None
    return match.group(0)


def _numbers(html: str, attempt) -> dict[str, int]:
    """Question id -> its number on the page (the draw order of this attempt)."""
    slugs = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "slug"))
    return {slugs[pk]: number for number, pk in enumerate(attempt.question_ids, start=1)}


def test_a_fresh_attempt_lists_every_question_as_unanswered(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)

    html = page(client.get(f"/attempts/{attempt.pk}/"))

    assert '<span id="answered-count">0</span> of 5 answered.' in html
    assert " hidden" not in _note(html)
    listed = re.findall(r'<a href="#question-([a-z0-9-]+)">question (\d)</a>', html)
    assert [(slug, int(number)) for slug, number in listed] == sorted(
        _numbers(html, attempt).items(), key=lambda item: item[1]
    )
    for slug in _numbers(html, attempt):
        assert f'id="question-{slug}" data-question="{slug}"' in html
    # The confirmation dialog is in the page but closed: without scripts it never shows.
    assert '<dialog id="submit-confirm" class="confirm-dialog"' in html
    assert "<dialog open" not in html
    assert '<script src="/static/js/quiz-submit-confirm.js" defer></script>' in html


def test_saved_answers_leave_the_list_and_all_answered_hides_it(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)
    html = page(client.get(f"/attempts/{attempt.pk}/"))
    numbers = _numbers(html, attempt)

    client.post(
        f"/attempts/{attempt.pk}/",
        {"action": "save", **shown(html), "q-q-numeric": "0", "q-q-text": "mode"},
    )
    html = page(client.get(f"/attempts/{attempt.pk}/"))

    assert '<span id="answered-count">2</span> of 5 answered.' in html
    listed = re.findall(r'<a href="#question-([a-z0-9-]+)">', html)
    # An answer of 0 is an answer.
    assert sorted(listed) == sorted(set(numbers) - {"q-numeric", "q-text"})

    fields = shown(html)
    data = {"action": "save", **fields}
    for key, value in right_answers(attempt).items():
        data[f"q-{key}"] = value if not isinstance(value, float) else repr(value)
    client.post(f"/attempts/{attempt.pk}/", data)
    html = page(client.get(f"/attempts/{attempt.pk}/"))

    assert '<span id="answered-count">5</span> of 5 answered.' in html
    assert _note(html).endswith(" hidden>")
    assert 'class="unanswered-item"' not in html
