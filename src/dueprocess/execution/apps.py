from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "dueprocess.execution"
    label = "execution"
