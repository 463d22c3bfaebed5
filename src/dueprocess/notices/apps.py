from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "dueprocess.notices"
    label = "notices"
