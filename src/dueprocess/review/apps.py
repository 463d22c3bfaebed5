from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "dueprocess.review"
    label = "review"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.demands import hooks
        from dueprocess.review import actions, gates

        hooks.case_facts.subscribe(gates.case_facts)
        hooks.record_override.subscribe(actions.record_override)
