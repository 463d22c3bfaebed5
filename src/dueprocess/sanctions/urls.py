"""Screening console routes, mounted at ``/sanctions/``."""

from django.urls import path

from dueprocess.sanctions import views

app_name = "sanctions"
urlpatterns = [
    path("lists/", views.lists, name="lists"),
    path("demands/<int:pk>/", views.demand_hits, name="demand"),
    path("results/<int:pk>/mark/", views.mark, name="mark"),
    path("results/<int:pk>/signoff/", views.signoff, name="signoff"),
]
