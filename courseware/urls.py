"""Pages of the courseware app."""

from django.urls import path

from courseware import teaching, views

app_name = "courseware"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    path("courses/<slug:course_slug>/search/", views.search, name="search"),
    path(
        "courses/<slug:course_slug>/dashboard/quizzes/<slug:module_slug>/",
        views.quiz_analysis,
        name="quiz_analysis",
    ),
    path("courses/<slug:course_slug>/teach/roster/", teaching.roster, name="roster"),
    path("courses/<slug:course_slug>/teach/enrol/", teaching.enrol_list, name="enrol_list"),
    path("courses/<slug:course_slug>/teach/cohorts/", teaching.cohort_create, name="cohort_create"),
    path(
        "courses/<slug:course_slug>/teach/cohorts/<int:cohort_pk>/rename/",
        teaching.cohort_rename,
        name="cohort_rename",
    ),
    path(
        "courses/<slug:course_slug>/teach/settings/",
        teaching.course_settings,
        name="course_settings",
    ),
    path(
        "courses/<slug:course_slug>/teach/members/<int:enrolment_pk>/",
        teaching.member_update,
        name="member_update",
    ),
    path("courses/<slug:course_slug>/enrol/", teaching.self_enrol, name="self_enrol"),
    path("join/<str:code>/", teaching.join, name="join"),
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
