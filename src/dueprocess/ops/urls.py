"""The probe and metrics paths (also answered early by ``ProbeMiddleware``)."""

from django.urls import path

from dueprocess.ops import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
