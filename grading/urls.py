"""Pages of the grading app: exercises, submissions, hints, instructor regrades."""

from django.urls import path

from grading import learner_views, views

app_name = "grading"

urlpatterns = [
    path("<slug:course_slug>/<slug:slug>/", views.exercise_detail, name="exercise"),
    path("<slug:course_slug>/<slug:slug>/submit/", views.submission_create, name="submit"),
    path("<slug:course_slug>/<slug:slug>/draft/", views.draft_save, name="draft"),
    path("<slug:course_slug>/<slug:slug>/hint/", views.hint_reveal, name="hint"),
    path("<slug:course_slug>/<slug:slug>/notebook/", views.release_download, name="release"),
    path(
        "<slug:course_slug>/<slug:slug>/practice/",
        learner_views.practice_run_create,
        name="practice",
    ),
    path(
        "<slug:course_slug>/<slug:slug>/practice/<int:pk>/status/",
        learner_views.practice_status,
        name="practice_status",
    ),
    path(
        "<slug:course_slug>/<slug:slug>/compare/",
        learner_views.submissions_compare,
        name="compare",
    ),
    path("<slug:course_slug>/<slug:slug>/reset/", learner_views.starter_reset, name="reset"),
    path(
        "<slug:course_slug>/<slug:slug>/submissions/<int:pk>/restore/",
        learner_views.submission_restore,
        name="restore",
    ),
    path(
        "<slug:course_slug>/<slug:slug>/submissions/<int:pk>/",
        views.submission_detail,
        name="submission",
    ),
    path(
        "<slug:course_slug>/<slug:slug>/submissions/<int:pk>/status/",
        views.submission_status,
        name="submission_status",
    ),
    path(
        "<slug:course_slug>/<slug:slug>/submissions/<int:pk>/regrade/",
        views.submission_regrade,
        name="regrade",
    ),
    path("<slug:course_slug>/<slug:slug>/regrade-all/", views.exercise_regrade, name="regrade_all"),
    path(
        "<slug:course_slug>/<slug:slug>/all-submissions/",
        views.instructor_submissions,
        name="instructor_submissions",
    ),
]
