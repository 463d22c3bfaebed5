from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dueprocess.demo"
    label = "demo"
