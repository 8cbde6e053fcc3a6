"""REST API of the courseware app (session authentication), mounted at api/."""

from django.urls import path

from courseware.api import views

app_name = "courseware-api"

urlpatterns = [
    path("quizzes/<int:quiz_pk>/attempts/", views.AttemptStartView.as_view(), name="attempt-start"),
    path("attempts/<int:pk>/", views.AttemptDetailView.as_view(), name="attempt"),
    path("attempts/<int:pk>/answers/", views.AttemptAnswersView.as_view(), name="attempt-answers"),
    path("attempts/<int:pk>/submit/", views.AttemptSubmitView.as_view(), name="attempt-submit"),
    path("attempts/<int:pk>/result/", views.AttemptResultView.as_view(), name="attempt-result"),
    path("lessons/<int:pk>/read/", views.LessonReadView.as_view(), name="lesson-read"),
    path("courses/<slug:slug>/progress/", views.ProgressView.as_view(), name="progress"),
    path("courses/<slug:slug>/roster/", views.RosterView.as_view(), name="roster"),
]
