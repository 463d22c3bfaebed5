from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "dueprocess.sanctions"
    label = "sanctions"
    verbose_name = "Sanctions lists and screening"

    def ready(self) -> None:
        from dueprocess.demands.vet import register_fact_provider
        from dueprocess.sanctions.service import screening_facts

        register_fact_provider(screening_facts)
