"""Connector selection: the one place that knows which platform dueprocess acts upon.

``DUEPROCESS_CONNECTOR`` chooses: ``demo`` (the built-in demo platform), ``webhook`` (a
real platform reached over signed HTTP), or ``package.module:ClassName`` for a platform
that prefers an in-process connector implementing :class:`~.base.Connector`.
"""

from __future__ import annotations

import importlib
from typing import cast

from django.conf import settings

from dueprocess.execution.connectors.base import Connector


def get_connector() -> Connector:
    conf = settings.DUEPROCESS
    choice = getattr(conf, "connector", "demo")
    if choice == "demo":
        from dueprocess.demo.connector import DemoConnector

        return DemoConnector()
    if choice == "webhook":
        from dueprocess.execution.connectors.webhook import WebhookConnector

        return WebhookConnector(conf.webhook_url, conf.webhook_secret,
                                timeout=conf.webhook_timeout)
    module, _, name = choice.partition(":")
    return cast(Connector, getattr(importlib.import_module(module), name)())
