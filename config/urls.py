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
    # LTI 1.3: Academy's JWKS, OIDC login, launch and deep linking (lti/).
    path("lti/", include("lti.urls")),
    path("api/grading/", include("grading.api.urls")),
    path("api/", include("courseware.api.urls")),
    path("", include("courseware.urls")),
]
