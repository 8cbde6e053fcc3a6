"""Top-level URL map: each app mounts its pages and its API."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.views import language_switch
from config.health import healthz
from courseware.api.docs import redoc_view, schema_view, swagger_view
from monitoring.views import metrics, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # The language switcher (Django's set_language, which also saves a signed-in learner's
    # choice) and the scripts' translations, served from this site (the CSP's 'self').
    path("i18n/setlang/", language_switch, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Log-in, sign-up, password reset and change, the account page (issue 12).
    path("accounts/", include("accounts.urls")),
    path("courses/<slug:course_slug>/teach/gradebook/", include("gradebook.urls")),
    path("courses/<slug:course_slug>/dashboard/", include("dashboard.urls")),
    path("exercises/", include("grading.urls")),
    # The OpenAPI schema and its readers (README, "The API").
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", swagger_view, name="api-docs"),
    path("api/redoc/", redoc_view, name="api-redoc"),
    # LTI 1.3: Academy's JWKS, OIDC login, launch and deep linking (lti/).
    path("lti/", include("lti.urls")),
    path("api/grading/", include("grading.api.urls")),
    path("api/", include("gradebook.api.urls")),
    path("api/", include("courseware.api.urls")),
    path("", include("certificates.urls")),
    path("", include("deadlines.urls")),
    path("", include("courseware.urls")),
]

# Unknown paths under /api/ answer a problem+json 404 like every other API error.
handler404 = "courseware.api.errors.page_not_found"
# An unreachable database answers 503 with Retry-After, any other error the usual 500.
handler500 = "config.errors.server_error"
