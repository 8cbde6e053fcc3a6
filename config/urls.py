"""Top-level URL map: each app mounts its pages and its API."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Log-in, sign-up, password reset and change, the account page (issue 12).
    path("accounts/", include("accounts.urls")),
    path("exercises/", include("grading.urls")),
    path("api/grading/", include("grading.api.urls")),
    path("api/", include("courseware.api.urls")),
    path("", include("courseware.urls")),
]

# An unreachable database answers 503 with Retry-After, any other error the usual 500.
handler500 = "config.errors.server_error"
