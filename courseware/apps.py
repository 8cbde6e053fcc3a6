"""Django app configuration for courseware."""

from django.apps import AppConfig


class CoursewareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courseware"
    verbose_name = "Courseware"
