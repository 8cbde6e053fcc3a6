"""Django app configuration for the gradebook."""

from django.apps import AppConfig


class GradebookConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gradebook"
    verbose_name = "Gradebook"
