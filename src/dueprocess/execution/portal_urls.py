"""Production downloads for authority officers, mounted at ``/productions/``."""

from django.urls import path

from dueprocess.execution import views

app_name = "productions"
urlpatterns = [
    path("", views.productions, name="list"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("<str:token>/", views.download, name="download"),
]
