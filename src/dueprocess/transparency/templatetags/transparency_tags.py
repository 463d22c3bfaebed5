"""Small filters for the public pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def slashless(label: str) -> str:
    """Date-range periods in URLs: ``2020-07-01/2020-12-31`` becomes ``2020-07-01_2020-12-31``."""
    return label.replace("/", "_")


@register.filter
def get_item_index(values: list[Any], index: int) -> Any:
    try:
        return values[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""
