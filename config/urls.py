"""Top-level URL map: each app mounts its pages and its API."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from monitoring.views import metrics, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # Log-in, sign-up, password reset and change, the account page (issue 12).
    path("accounts/", include("accounts.urls")),
    path("courses/<slug:course_slug>/teach/gradebook/", include("gradebook.urls")),
    path("courses/<slug:course_slug>/dashboard/", include("dashboard.urls")),
    path("exercises/", include("grading.urls")),
    path("api/grading/", include("grading.api.urls")),
    path("api/", include("courseware.api.urls")),
    path("", include("deadlines.urls")),
    path("", include("courseware.urls")),
]
