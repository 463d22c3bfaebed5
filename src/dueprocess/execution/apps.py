from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "dueprocess.execution"
    label = "execution"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.demands import hooks
        from dueprocess.execution import usernotices
        from dueprocess.execution.dsa_submit import submit_when_due
        from dueprocess.execution.tasks import register_maintenance

        hooks.execution_planned.subscribe(usernotices.execution_planned)
        hooks.execution_finished.subscribe(usernotices.create_after_execution)
        # Statements of reasons go to the DSA Transparency Database once a token is set.
        register_maintenance("dsa_submitted", submit_when_due)
