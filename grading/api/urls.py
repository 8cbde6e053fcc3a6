"""Grading API routes, mounted at /api/grading/."""

from django.urls import path

from grading.api import views

urlpatterns = [
    path(
        "courses/<slug:slug>/exercises/",
        views.CourseExerciseList.as_view(),
        name="api-course-exercises",
    ),
    path("exercises/<int:pk>/", views.ExerciseDetail.as_view(), name="api-exercise"),
    path("exercises/<int:pk>/notebook/", views.ReleaseNotebook.as_view(), name="api-release"),
    path("exercises/<int:pk>/hints/", views.Hints.as_view(), name="api-hints"),
    path(
        "exercises/<int:pk>/submissions/",
        views.SubmissionCreate.as_view(),
        name="api-submission-create",
    ),
    # Teaching staff of the exercise's course only.
    path(
        "exercises/<int:pk>/all-submissions/",
        views.ExerciseSubmissions.as_view(),
        name="api-exercise-submissions",
    ),
    path("submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="api-submission"),
    path(
        "submissions/<int:pk>/regrade/",
        views.SubmissionRegrade.as_view(),
        name="api-submission-regrade",
    ),
]
