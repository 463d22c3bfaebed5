"""Connector selection: the one place that knows which platform dueprocess acts upon."""

from __future__ import annotations

from dueprocess.execution.connectors.base import Connector


def get_connector() -> Connector:
    from dueprocess.demo.connector import DemoConnector

    return DemoConnector()
