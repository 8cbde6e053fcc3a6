"""LTI endpoints, under /lti/. The JWKS, login and launch URLs are what an LMS is given."""

from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("jwks.json", views.jwks, name="jwks"),
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/<str:launch_id>/", views.deep_link, name="deep_link"),
    path(
        "courses/<slug:course_slug>/contexts/<int:context_pk>/roster-sync/",
        views.roster_sync_view,
        name="roster_sync",
    ),
]
