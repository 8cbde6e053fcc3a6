"""Pages of the instructor dashboard, under /courses/<course_slug>/dashboard/."""

from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("learners/<int:user_pk>/", views.learner, name="learner"),
    path("learners/<int:user_pk>/extensions/", views.extension_grant, name="extension_grant"),
]

EXERCISE = "exercises/<slug:module_slug>/<slug:exercise_slug>"

urlpatterns += [
    path(f"{EXERCISE}/submissions/", views.submissions, name="submissions"),
    path(f"{EXERCISE}/similarity/", views.similarity, name="similarity"),
    path(f"{EXERCISE}/similarity/compute/", views.similarity_compute, name="similarity_compute"),
    path(
        f"{EXERCISE}/submissions/<int:pk>/comments/",
        views.submission_comment,
        name="submission_comment",
    ),
]
