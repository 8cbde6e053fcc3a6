"""Signals courseware sends for apps that follow its scores and progress (LTI grade passback,
certificates) without courseware knowing them."""

from django.dispatch import Signal

# Sent after a score is recorded, inside its transaction: kind ("exercise" or "quiz"),
# user_id, and module_id with exercise_slug (exercise) or quiz_id (quiz).
score_recorded = Signal()

# Sent after a learner's progress in a course moved on (a lesson read for the first time, a quiz
# attempt scored, an exercise score recorded), inside its transaction: user_id, course_id.
progress_recorded = Signal()
