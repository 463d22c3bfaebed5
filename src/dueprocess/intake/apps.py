from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "dueprocess.intake"
    label = "intake"
    verbose_name = "Intake and requester verification"

    def ready(self) -> None:
        from dueprocess.demands.vet import register_fact_provider
        from dueprocess.intake import checks  # noqa: F401  (registers the deploy check)
        from dueprocess.intake.providers import sender_facts

        register_fact_provider(sender_facts)
