"""Django app configuration for certificates."""

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        # Issuing a certificate when a learner's progress meets the rule, in every process
        # (the web for lessons and quizzes, the grading worker for exercises).
        import certificates.receivers  # noqa: F401
