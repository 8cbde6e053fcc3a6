"""Pages of the deadlines app, under a course's teaching pages."""

from django.urls import path

from deadlines import views

app_name = "deadlines"

TEACH = "courses/<slug:course_slug>/teach/deadlines"

urlpatterns = [
    path(f"{TEACH}/", views.overview, name="overview"),
    path(f"{TEACH}/due/", views.due_set, name="due_set"),
    path(f"{TEACH}/due/clear/", views.due_clear, name="due_clear"),
    path(f"{TEACH}/policy/", views.policy_update, name="policy"),
    path(f"{TEACH}/quiz-answers/", views.quiz_answers, name="quiz_answers"),
    path(f"{TEACH}/extensions/", views.extension_grant, name="extension_grant"),
    path(
        f"{TEACH}/extensions/<int:extension_pk>/revoke/",
        views.extension_revoke,
        name="extension_revoke",
    ),
]
