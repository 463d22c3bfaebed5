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

        # Execution asks review who is reminded of a hold and whether it already was.
        from dueprocess.execution import preservation
        from dueprocess.review import reminders

        preservation.reminder_recipients.subscribe(reminders.recipients)
        preservation.reminded_elsewhere.subscribe(reminders.preservation_reminded)
