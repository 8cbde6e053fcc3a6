"""LTI 1.3 Advantage, tool side: Academy launched from an LMS and sending it grades."""

from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The score signal's receiver (it queues a grade send) and the tasks, in every process.
        import lti.receivers  # noqa: F401
        import lti.tasks  # noqa: F401
