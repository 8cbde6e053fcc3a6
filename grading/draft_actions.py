"""What the learner's editor opens with, set on purpose: a restored submission or the starter
code. Both write the learner's draft (the page opens with the newest of draft and submission),
so neither touches the submission history."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from grading.models import Draft, Exercise, Submission
from grading.services import draft_save


def draft_restore_submission(*, user: User, submission: Submission) -> Draft:
    """Put the code of one of the learner's own submissions back into their editor. Answer
    cells the exercise no longer has are left out; cells the submission lacks keep the starter."""
    if submission.user_id != user.pk:
        raise ApplicationError(
            gettext("You can only restore your own submissions."), status_code=403
        )
    exercise = submission.exercise
    code = dict(exercise.starter_code)
    code.update(
        {
            key: value
            for key, value in submission.answers.items()
            if key in code and isinstance(value, str)
        }
    )
    return draft_save(user=user, exercise=exercise, code=code)


def draft_reset_to_starter(*, user: User, exercise: Exercise) -> Draft:
    """Start over: the editor opens with the starter code again. Submissions stay as they are."""
    if not exercise.starter_code:
        raise ApplicationError(gettext("This exercise has no code to reset."))
    return draft_save(user=user, exercise=exercise, code=dict(exercise.starter_code))
