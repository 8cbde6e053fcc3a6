"""Sign-up, log-in and log-out (Django's auth views), mounted at accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from courseware import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
]
