"""Monitoring app configuration: connects the sandbox's and Celery's signals at start."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Signal receivers register on import, in every process (web, worker, beat).
        from monitoring import signals

        signals.connect()
