"""REST API of the courseware app, mounted at api/ (session or personal token)."""

from django.urls import path

from courseware.api import staff_views, views

app_name = "courseware-api"

urlpatterns = [
    path("courses/", views.CourseListView.as_view(), name="courses"),
    path("courses/<slug:slug>/", views.CourseDetailView.as_view(), name="course"),
    path("courses/<slug:slug>/modules/", views.ModuleListView.as_view(), name="modules"),
    path(
        "courses/<slug:slug>/lessons/<slug:lesson_slug>/",
        views.LessonDetailView.as_view(),
        name="lesson",
    ),
    path("quizzes/<int:pk>/", views.QuizDetailView.as_view(), name="quiz"),
    path("quizzes/<int:quiz_pk>/attempts/", views.AttemptStartView.as_view(), name="attempt-start"),
    path("attempts/<int:pk>/", views.AttemptDetailView.as_view(), name="attempt"),
    path("attempts/<int:pk>/answers/", views.AttemptAnswersView.as_view(), name="attempt-answers"),
    path("attempts/<int:pk>/submit/", views.AttemptSubmitView.as_view(), name="attempt-submit"),
    path("attempts/<int:pk>/result/", views.AttemptResultView.as_view(), name="attempt-result"),
    path("lessons/<int:pk>/read/", views.LessonReadView.as_view(), name="lesson-read"),
    path("courses/<slug:slug>/progress/", views.ProgressView.as_view(), name="progress"),
    # Teaching staff of the course only.
    path("courses/<slug:slug>/roster/", views.RosterView.as_view(), name="roster"),
    path("courses/<slug:slug>/members/", staff_views.MemberListView.as_view(), name="members"),
    path(
        "courses/<slug:slug>/learners/<str:username>/",
        staff_views.LearnerRecordView.as_view(),
        name="learner",
    ),
    path(
        "quizzes/<int:pk>/item-analysis/",
        staff_views.ItemAnalysisView.as_view(),
        name="item-analysis",
    ),
]
