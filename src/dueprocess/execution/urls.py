"""Execution console routes, mounted at ``/execution/`` (staff)."""

from django.urls import path

from dueprocess.execution import views

app_name = "execution"
urlpatterns = [
    path("", views.console, name="console"),
    path("dead-letters/<int:pk>/retry/", views.retry_letter, name="retry"),
    path("dead-letters/<int:pk>/dismiss/", views.dismiss_letter, name="dismiss"),
    path("holds/<int:pk>/extend/", views.extend_hold, name="extend"),
    path("holds/<int:pk>/release/", views.release_hold, name="release"),
    path("notices/<int:pk>/release/", views.release_notice, name="release_notice"),
    path("disclosures/<int:pk>/objection/", views.object_wait, name="objection"),
    path("disclosures/<int:pk>/proceed/", views.proceed_wait, name="proceed"),
    path("disclosures/<int:pk>/uphold/", views.uphold_wait, name="uphold"),
]
