"""Account pages, mounted at ``/account/``."""

from django.urls import path

from dueprocess.accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("language/", views.language, name="language"),
]
