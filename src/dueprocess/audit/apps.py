from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dueprocess.audit"
    label = "audit"
