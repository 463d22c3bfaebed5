"""Small formatting filters for the console templates."""

from __future__ import annotations

import json
from typing import Any

from django import template

from dueprocess.demands.models import Ask, AskKind
from dueprocess.demands.reasons import REASON_LABELS
from dueprocess.review.models import Alternative

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        if len(value) > 4:
            return f"[{len(value)} items]"
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)


@register.filter
def brief(payload: Any, limit: int = 180) -> str:
    """A one-line summary of an audit payload; the full payload stays in the log."""
    if not payload:
        return ""
    if isinstance(payload, dict):
        text = "; ".join(f"{k}: {_short(v)}" for k, v in payload.items())
    else:
        text = _short(payload)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.filter
def label(value: Any) -> str:
    """``awaiting_authority`` → ``awaiting authority``."""
    return str(value or "").replace("_", " ")


@register.filter
def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


@register.filter
def ask_summary(ask: Ask) -> str:
    if ask.kind == AskKind.DISCLOSE:
        text = "Disclose " + ", ".join(ask.data_categories or ["(no category)"])
        if ask.date_from or ask.date_to:
            text += f" · {ask.date_from or '…'} to {ask.date_to or '…'}"
        return text
    if ask.kind == AskKind.PRESERVE:
        return f"Preserve for {ask.days} days" if ask.days else "Preserve"
    if ask.kind == AskKind.RESTRICT_ACCOUNT:
        return f"Restrict account: {ask.measure or 'unspecified'}"
    text = f"Restrict content: {ask.measure or 'unspecified'}"
    if ask.territorial_scope:
        text += " in " + ", ".join(ask.territorial_scope)
    if ask.equivalent_content:
        text += " · and identical or equivalent content (stay-down)"
    return text


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def alternative_label(code: str) -> str:
    return str(dict(Alternative.choices).get(code, code))


@register.filter
def any_errors(forms: Any) -> bool:
    return any(bool(f.errors) for f in forms or ())


@register.filter
def second_factor(request: Any) -> str:
    """``verified`` when the session passed a TOTP check, else ``off``."""
    user = getattr(request, "user", None)
    check = getattr(user, "is_verified", None)
    return "verified" if callable(check) and check() else "off"


@register.filter
def capped(count: int, cap: int = 10_000) -> str:
    """Counts the queue stops at: ``10,000+`` rather than a full scan."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


@register.filter
def bound(form: Any, key: str) -> Any:
    """``form[key]`` for a field whose name is only known at render time (a target row)."""
    return form[key] if form is not None and key in form.fields else None


@register.filter
def outcome_label(decision: Any) -> str:
    """A decision in force as the target table says it (withholding names its countries)."""
    if decision is None:
        return "not decided"
    narrowed = decision.narrowed or {}
    if narrowed.get("measure") == "withhold":
        return "withhold in " + ", ".join(narrowed.get("territorial_scope") or ())
    return {"comply_partially": "comply in part", "reject": "refuse",
            "route_mlat": "refer to MLAT"}.get(decision.outcome, str(decision.outcome))


@register.filter
def countdown(due: Any, now: Any) -> str:
    """Time left until ``due`` as a reviewer reads it ("2 h 5 min left", "overdue by 3 d").

    The queue's script recomputes the same text each minute from the ``datetime`` attribute.
    """
    if due is None or now is None:
        return ""
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        span = f"{days} d {hours} h"
    elif hours:
        span = f"{hours} h {mins} min"
    else:
        span = f"{mins} min"
    return f"{span} left" if seconds >= 0 else f"overdue by {span}"
