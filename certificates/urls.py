"""Pages of the certificates app."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("courses/<slug:course_slug>/certificate/", views.mine, name="mine"),
    path("courses/<slug:course_slug>/teach/certificates/", views.course_list, name="course_list"),
    path(
        "courses/<slug:course_slug>/teach/certificates/<int:pk>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.pdf, name="pdf"),
]
