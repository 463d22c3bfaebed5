"""Small formatting filters for the console templates."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy

from dueprocess.demands.models import Ask, AskKind
from dueprocess.demands.reasons import REASON_LABELS
from dueprocess.review.models import Alternative
from dueprocess.review.timeline import RECOMMENDATION_WORDS, STATUS_WORDS

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


#: Codes the console shows as words (demand statuses, recommendations, publication
#: states), in the reader's language; any other code is shown with spaces for underscores.
#: Statuses and recommendations read as the timeline words them: one wording per code.
CODE_LABELS = {
    **STATUS_WORDS,
    **RECOMMENDATION_WORDS,
    "draft": pgettext_lazy("publication status", "draft"),
    "published": pgettext_lazy("publication status", "published"),
}


@register.filter
def label(value: Any) -> str:
    """``awaiting_authority`` → ``awaiting authority`` (translated when it is a known code)."""
    code = str(value or "")
    known = CODE_LABELS.get(code)
    return str(known) if known is not None else code.replace("_", " ")


@register.filter
def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


@register.filter
def ask_summary(ask: Ask) -> str:
    if ask.kind == AskKind.DISCLOSE:
        text = gettext("Disclose %(categories)s") % {
            "categories": ", ".join(ask.data_categories or [gettext("(no category)")])}
        if ask.date_from or ask.date_to:
            text += " · " + gettext("%(start)s to %(end)s") % {
                "start": ask.date_from or "…", "end": ask.date_to or "…"}
        return text
    if ask.kind == AskKind.PRESERVE:
        return (gettext("Preserve for %(days)s days") % {"days": ask.days} if ask.days
                else gettext("Preserve"))
    measure = ask.measure or gettext("unspecified")
    if ask.kind == AskKind.RESTRICT_ACCOUNT:
        return gettext("Restrict account: %(measure)s") % {"measure": measure}
    if ask.territorial_scope:
        text = gettext("Restrict content: %(measure)s in %(countries)s") % {
            "measure": measure, "countries": ", ".join(ask.territorial_scope)}
    else:
        text = gettext("Restrict content: %(measure)s") % {"measure": measure}
    if ask.equivalent_content:
        text += " · " + gettext("and identical or equivalent content (stay-down)")
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
        return gettext("not decided")
    narrowed = decision.narrowed or {}
    if narrowed.get("measure") == "withhold":
        return gettext("withhold in %(countries)s") % {
            "countries": ", ".join(narrowed.get("territorial_scope") or ())}
    words = {"comply": pgettext_lazy("outcome", "comply"),
             "comply_partially": pgettext_lazy("outcome", "comply in part"),
             "reject": pgettext_lazy("outcome", "refuse"),
             "hold": pgettext_lazy("outcome", "hold"),
             "route_mlat": pgettext_lazy("outcome", "refer to MLAT")}
    return str(words.get(str(decision.outcome), decision.outcome))


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
        span = gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    elif hours:
        span = gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    else:
        span = gettext("%(minutes)s min") % {"minutes": mins}
    if seconds >= 0:
        return gettext("%(span)s left") % {"span": span}
    return gettext("overdue by %(span)s") % {"span": span}


@register.simple_tag
def countdown_words() -> SafeString:
    """The countdown's words in the reader's language, for the script that redraws them.

    Same patterns as :func:`countdown`; the script fills the ``%(name)s`` holes.
    """
    return json_script({
        "days": gettext("%(days)s d %(hours)s h"),
        "hours": gettext("%(hours)s h %(minutes)s min"),
        "minutes": gettext("%(minutes)s min"),
        "left": gettext("%(span)s left"),
        "overdue": gettext("overdue by %(span)s"),
    }, "countdown-words")
