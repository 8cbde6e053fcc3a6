"""Pages of the courseware app."""

from django.urls import path

from courseware import views

app_name = "courseware"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    path("courses/<slug:course_slug>/search/", views.search, name="search"),
    path("courses/<slug:course_slug>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "courses/<slug:course_slug>/dashboard/quizzes/<slug:module_slug>/",
        views.quiz_analysis,
        name="quiz_analysis",
    ),
    path(
        "courses/<slug:course_slug>/modules/<slug:module_slug>/",
        views.module_detail,
        name="module",
    ),
    path(
        "courses/<slug:course_slug>/modules/<slug:module_slug>/quiz/",
        views.quiz_detail,
        name="quiz",
    ),
    path(
        "courses/<slug:course_slug>/lessons/<slug:lesson_slug>/",
        views.lesson_detail,
        name="lesson",
    ),
    path(
        "courses/<slug:course_slug>/lessons/<slug:lesson_slug>/read/",
        views.lesson_read,
        name="lesson_read",
    ),
    path(
        "courses/<slug:course_slug>/lessons/<slug:lesson_slug>/check/",
        views.lesson_check,
        name="lesson_check",
    ),
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/results/", views.attempt_results, name="attempt_results"),
]
