from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dueprocess.accounts"
    label = "accounts"
    verbose_name = "Accounts and API tokens"
