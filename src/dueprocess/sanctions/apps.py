from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "dueprocess.sanctions"
    label = "sanctions"
    verbose_name = "Sanctions lists and screening"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.demands import hooks
        from dueprocess.demands.vet import register_fact_provider
        from dueprocess.sanctions.service import case_facts, screening_facts

        register_fact_provider(screening_facts)
        hooks.case_facts.subscribe(case_facts)
