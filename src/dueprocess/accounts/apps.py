from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "dueprocess.accounts"
    label = "accounts"
    verbose_name = "Accounts and API tokens"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from dueprocess.accounts.middleware import remember_language
        from dueprocess.accounts.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="dueprocess.accounts.roles")
        user_logged_in.connect(remember_language, dispatch_uid="dueprocess.accounts.language")
