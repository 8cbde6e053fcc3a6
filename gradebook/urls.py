"""Pages of the gradebook, under /courses/<course_slug>/teach/gradebook/."""

from django.urls import path

from gradebook import views

app_name = "gradebook"

urlpatterns = [
    path("", views.gradebook, name="gradebook"),
    path("export.csv", views.gradebook_export, name="export"),
    path("weights/", views.weights, name="weights"),
    path("learners/<int:user_pk>/", views.learner, name="learner"),
    path("learners/<int:user_pk>/override/", views.override, name="override"),
    path(
        "exercises/<slug:module_slug>/<slug:exercise_slug>/submissions.csv",
        views.submissions_export,
        name="submissions_export",
    ),
]
