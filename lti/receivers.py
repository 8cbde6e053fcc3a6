"""Connects courseware's `score_recorded` signal to the grade passback service. The receiver
only hands over: which line items and what score are decided in lti.services.grades."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from courseware.signals import score_recorded
from lti.services.grades import grades_publish
from lti.tasks import grade_send_task


def _queue(grade_pk: int) -> None:
    grade_send_task.delay(grade_pk)


@receiver(score_recorded, dispatch_uid="lti-grades-publish")
def score_recorded_publish(sender: Any, kind: str, user_id: int, **target: Any) -> None:
    grades_publish(kind=kind, user_id=user_id, queue=_queue, **target)
