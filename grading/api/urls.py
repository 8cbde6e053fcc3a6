"""Grading API routes, mounted at /api/grading/."""

from django.urls import path

from grading.api import views

urlpatterns = [
    path("exercises/<int:pk>/", views.ExerciseDetail.as_view(), name="api-exercise"),
    path(
        "exercises/<int:pk>/submissions/",
        views.SubmissionCreate.as_view(),
        name="api-submission-create",
    ),
    path("submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="api-submission"),
    path(
        "submissions/<int:pk>/regrade/",
        views.SubmissionRegrade.as_view(),
        name="api-submission-regrade",
    ),
]
