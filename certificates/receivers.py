"""Connects courseware's `progress_recorded` signal to issuing a certificate once the course's
rule is met. The receiver only hands over: whether the rule is met is decided in
certificates.services.

The issue runs once the progress is committed, in a transaction of its own and robustly (Django
logs a failure): a certificate that cannot be issued never undoes the score or the lesson read
that triggered it, and the rule is read from committed rows.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from certificates.services import certificate_issue_if_complete
from courseware.signals import progress_recorded


@receiver(progress_recorded, dispatch_uid="certificates-issue-if-complete")
def progress_recorded_issue(sender: Any, user_id: int, course_id: int, **kwargs: Any) -> None:
    transaction.on_commit(
        partial(certificate_issue_if_complete, user_id=user_id, course_id=course_id), robust=True
    )
