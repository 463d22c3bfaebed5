"""URL map: API, consoles, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dueprocess.intake.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="review/login.html"),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("review/", include("dueprocess.review.urls")),
    path("", RedirectView.as_view(url="/review/", permanent=False)),
]
