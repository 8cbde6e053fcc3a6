"""Signals courseware sends for apps that follow its scores (LTI grade passback) without
courseware knowing them."""

from django.dispatch import Signal

# Sent after a score is recorded, inside its transaction: kind ("exercise" or "quiz"),
# user_id, and module_id with exercise_slug (exercise) or quiz_id (quiz).
score_recorded = Signal()
