"""Reviewer console routes, mounted at ``/review/``."""

from django.urls import path

from dueprocess.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/decide/", views.decide, name="decide"),
    path("demands/<int:pk>/claim/", views.claim, name="claim"),
    path("demands/<int:pk>/clarify/", views.clarify, name="clarify"),
    path("demands/<int:pk>/approve/", views.approve, name="approve"),
]
