"""``{% effect_items demand %}``: the item-by-item part of the effect report letter."""

from __future__ import annotations

from typing import Any

from django import template

from dueprocess.demands.models import Demand
from dueprocess.execution.effect import as_context

register = template.Library()


@register.inclusion_tag("execution/letters/effect_items.txt")
def effect_items(demand: Demand) -> dict[str, Any]:
    return as_context(demand)
