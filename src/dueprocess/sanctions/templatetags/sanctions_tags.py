"""``{% screening_panel demand %}``: the demand's screening hits with the review buttons."""

from __future__ import annotations

from typing import Any

from django import template

from dueprocess.demands.models import Demand
from dueprocess.sanctions.panel import panel_context

register = template.Library()


@register.inclusion_tag("sanctions/_panel.html", takes_context=True)
def screening_panel(context: Any, demand: Demand) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"request": request, "csrf_token": context.get("csrf_token"),
            **panel_context(demand, user)}
