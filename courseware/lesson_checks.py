"""A lesson's "check yourself" questions: the feedback for a learner's choice.

The questions are practice, not graded: nothing is stored, and the page may carry the right
answers (the script static/js/lesson-check.js gives feedback without a reload). Without
JavaScript the form posts to `courseware:lesson_check`, which uses `lesson_check_feedback` to
show the same feedback in the re-rendered lesson.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def lesson_check_feedback(
    *, checks: Sequence[dict[str, Any]], selected_for: Callable[[str], list[str]]
) -> list[dict[str, Any]]:
    """The checks as the template shows them after an answer: which options were chosen,
    whether the answer is right. `selected_for(question_id)` gives the values posted for one
    question; values that are not an option's index are ignored."""
    items = []
    for check in checks:
        options = check.get("options", [])
        chosen = {
            int(value)
            for value in selected_for(str(check.get("id", "")))
            if value.isdigit() and int(value) < len(options)
        }
        correct = {index for index, option in enumerate(options) if option.get("correct")}
        answered = bool(chosen)
        items.append(
            {
                **check,
                "options": [
                    {**option, "selected": index in chosen} for index, option in enumerate(options)
                ],
                "answered": answered,
                "is_correct": answered and chosen == correct,
            }
        )
    return items
