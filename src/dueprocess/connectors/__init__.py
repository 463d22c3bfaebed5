"""The platform port: what dueprocess needs of the platform it acts upon, and which one it is.

Connectors are chosen by the dotted path in ``DUEPROCESS_CONNECTOR`` (read by
:mod:`dueprocess.config`, where ``demo`` and ``webhook`` are short names for the two built
in). Nothing here knows any connector: the case file, intake and execution ask this module
and receive whatever the configuration names.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from dueprocess.connectors.base import Connector


def get_connector() -> Connector:
    """A connector built from the configured class: ``from_config(conf)`` when the class
    needs settings (the webhook's URL and secret), otherwise called with no arguments."""
    conf = settings.DUEPROCESS
    factory = import_string(conf.connector.replace(":", "."))
    from_config = getattr(factory, "from_config", None)
    return cast(Connector, from_config(conf) if from_config is not None else factory())
