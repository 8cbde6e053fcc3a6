"""Comments from the teaching staff on a submission: written here, read by the learner on their
submission page and by the staff on the dashboard's submissions list."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from grading.models import Submission, SubmissionComment

MAX_COMMENT = 5000


def submission_comment_add(
    *, submission: Submission, author_pk: int, text: str
) -> SubmissionComment:
    """Add a comment; blank or overlong text is refused and nothing is written."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(gettext("A comment needs some text."))
    if len(text) > MAX_COMMENT:
        raise ApplicationError(
            gettext("A comment is at most %(MAX_COMMENT)s characters.")
            % {"MAX_COMMENT": MAX_COMMENT}
        )
    with transaction.atomic():
        return SubmissionComment.objects.create(
            submission=submission, author_id=author_pk, text=text
        )


def submission_comments(*, submission: Submission) -> list[SubmissionComment]:
    return list(submission.comments.select_related("author").order_by("created_at", "pk"))
