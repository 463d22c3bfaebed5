from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "dueprocess.demands"
    label = "demands"
