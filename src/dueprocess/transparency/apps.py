from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "dueprocess.transparency"
    label = "transparency"
