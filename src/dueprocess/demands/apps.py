from typing import Any

from django.apps import AppConfig
from django.core import checks


class DemandsConfig(AppConfig):
    name = "dueprocess.demands"
    label = "demands"

    def ready(self) -> None:
        checks.register(hooks_subscribed)


def hooks_subscribed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every hook of the case file has a subscriber: otherwise a demand would stop halfway
    (decided, but no letter drafted; approved, but nothing queued)."""
    from dueprocess.demands.hooks import unsubscribed  # the app registry is ready by now

    return [checks.Error(f"no installed package subscribes to the case file's hook {name}",
                         hint="add the package that provides it to INSTALLED_APPS",
                         id="demands.E001") for name in unsubscribed()]
