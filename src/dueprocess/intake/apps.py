from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "dueprocess.intake"
    label = "intake"
    verbose_name = "Intake and requester verification"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.demands.vet import register_fact_provider
        from dueprocess.intake import checks  # noqa: F401  (registers the deploy check)
        from dueprocess.intake.providers import sender_facts

        register_fact_provider(sender_facts)

        # The size limits of intake's upload endpoints, for the web shell's upload handler.
        from dueprocess.intake.bulk import max_upload_bytes
        from dueprocess.intake.documents import max_document_bytes
        from dueprocess.intake.email_intake import max_email_bytes
        from dueprocess.web.limits import register_upload

        register_upload("documents", max_document_bytes)
        register_upload("targets", max_upload_bytes)
        register_upload("email", max_email_bytes)
