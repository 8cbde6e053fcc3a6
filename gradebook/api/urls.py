"""REST API of the gradebook app, mounted at api/ beside the courseware API."""

from django.urls import path

from gradebook.api import views

app_name = "gradebook-api"

urlpatterns = [
    # Teaching staff of the course only.
    path("courses/<slug:slug>/gradebook/", views.GradebookView.as_view(), name="gradebook"),
]
