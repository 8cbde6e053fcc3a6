"""Django app configuration for the instructor dashboard."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Instructor dashboard"

    def ready(self) -> None:
        # Registers the similarity task in every process, web included: the service queues it
        # by name (dashboard.services.SIMILARITY_TASK), as grading does with its tasks.
        import dashboard.tasks  # noqa: F401
