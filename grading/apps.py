"""Grading app configuration."""

from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "grading"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the grading tasks with Celery in every process, web included: services queue
        # them by registered name (grading.queueing.GRADE_RUN_TASK) so that tasks -> execution ->
        # queueing stays the only direction between those modules.
        import grading.tasks  # noqa: F401
