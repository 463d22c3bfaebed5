"""Plain words for what was asked, decided and done, in the reader's language.

Letters and user notices are read by officers and account holders, not by us: they must not
carry our internal codes (``restrict_content``, ``comply_partially``, ``succeeded``). Each
phrase is marked for translation here and looked up when the letter is rendered, under the
letter's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext, gettext_noop

from dueprocess.demands.models import Ask

_ASK_KIND = {
    "disclose": gettext_noop("disclosure of data"),
    "preserve": gettext_noop("preservation of data"),
    "restrict_account": gettext_noop("restriction of the account"),
    "restrict_content": gettext_noop("restriction of content"),
}
_DATA = {
    "subscriber": gettext_noop("subscriber data"),
    "traffic": gettext_noop("traffic data"),
    "content": gettext_noop("content data"),
}
_MEASURE = {
    "suspend": gettext_noop("suspension"),
    "terminate": gettext_noop("termination"),
    "remove": gettext_noop("removal"),
    "disable": gettext_noop("disabling of access"),
    "withhold": gettext_noop("withholding in certain countries"),
}
_DONE = {
    "export": gettext_noop("data disclosed"),
    "preserve": gettext_noop("data preserved"),
    "suspend": gettext_noop("account suspended"),
    "terminate": gettext_noop("account terminated"),
    "remove": gettext_noop("content removed"),
    "disable": gettext_noop("access to content disabled"),
    "withhold": gettext_noop("content withheld"),
    "notify": gettext_noop("user notified"),
    "withhold_account": gettext_noop("account withheld"),
}
_STATUS = {
    "pending": gettext_noop("pending"),
    "running": gettext_noop("in progress"),
    "succeeded": gettext_noop("done"),
    "failed": gettext_noop("failed"),
    "cancelled": gettext_noop("cancelled"),
}
_OUTCOME = {
    "comply": gettext_noop("complied with"),
    "comply_partially": gettext_noop("complied with in part"),
    "reject": gettext_noop("refused"),
    "hold": gettext_noop("on hold"),
    "route_mlat": gettext_noop("referred to mutual legal assistance"),
}
WORLDWIDE = "WW"


def _say(table: dict[str, str], code: str) -> str:
    # An unknown code (a newer connector's step) is shown as it is rather than dropped.
    return gettext(table[code]) if code in table else code


def ask_kind(code: str) -> str:
    return _say(_ASK_KIND, code)


def data_categories(codes: Iterable[str]) -> str:
    return ", ".join(_say(_DATA, c) for c in codes)


def measure(code: str) -> str:
    return _say(_MEASURE, code) if code else ""


def done(kind: str) -> str:
    return _say(_DONE, kind)


def status(code: str) -> str:
    return _say(_STATUS, str(code))


def outcome(code: str) -> str:
    return _say(_OUTCOME, str(code))


def scope(territories: Iterable[str]) -> str:
    """Where a restriction applies: ISO codes are read everywhere; ``WW`` is a word."""
    codes = [c for c in territories if c]
    if not codes:
        return ""
    if WORLDWIDE in codes:
        return gettext("worldwide")
    return gettext("in %(territories)s") % {"territories": ", ".join(codes)}


def ask(item: Ask) -> str:
    """One ask in a sentence: "restriction of content (removal), in DE"."""
    words = ask_kind(item.kind)
    detail = measure(item.measure) or data_categories(item.data_categories or ())
    if detail:
        words = f"{words} ({detail})"
    where = scope(item.territorial_scope or ())
    return f"{words}, {where}" if where else words


def numbered_ask(item: Ask) -> str:
    return gettext("ask %(number)s: %(ask)s") % {"number": item.position + 1, "ask": ask(item)}


def decision(code: str) -> str:
    return gettext("decision: %(outcome)s") % {"outcome": outcome(code)}

