from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "dueprocess.notices"
    label = "notices"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.demands import hooks
        from dueprocess.notices import actions

        hooks.render_letter.subscribe(actions.render)
        hooks.send_acknowledgement.subscribe(actions.send_acknowledgement)
        hooks.draft_letter.subscribe(actions.draft_letter)
