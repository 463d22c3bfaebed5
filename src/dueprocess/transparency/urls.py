"""Public transparency pages under /transparency/ (no login)."""

from django.urls import path, re_path

from dueprocess.transparency import views

app_name = "transparency"

urlpatterns = [
    path("", views.index, name="index"),
    path("country/<str:code>/", views.country, name="country"),
    re_path(r"^download/(?P<period>[0-9A-Za-z_.-]{4,30})/(?P<table>[a-z_-]{1,40})"
            r"\.(?P<fmt>csv|json|xlsx)$", views.download, name="download"),
    path("published/", views.published, name="published"),
    path("published/<int:pub_id>/", views.published_detail, name="published_detail"),
]
