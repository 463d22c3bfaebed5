"""Letters to authorities, rendered from translatable templates in the demand's language.

English, Traditional Chinese and German catalogues live in ``notices/locale``; a demand in
any other language gets the English letter. A refusal and an MLAT referral list the reasons
the reviewers gave (their labels, translated); the reviewers' free-text rationale stays
internal.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from dueprocess.demands.models import Demand, Outcome

SUBJECTS = {
    "acknowledgement": gettext_noop("Acknowledgement of receipt"),
    "clarification_request": gettext_noop("Request for clarification"),
    "refusal": gettext_noop("Response: we are unable to comply"),
    "mlat_referral": gettext_noop("Response: please proceed through mutual legal assistance"),
    "effect_report": gettext_noop("Report on the effect given to your demand"),
}

SUPPORTED = ("en", "zh-hant", "de")
ALIASES = {"zh-hk": "zh-hant", "zh-tw": "zh-hant", "zh-mo": "zh-hant", "zh_hant": "zh-hant",
           "de-de": "de", "de-at": "de", "de-ch": "de", "en-us": "en", "en-gb": "en"}

REFUSING = {"refusal": (Outcome.REJECT, Outcome.ROUTE_MLAT),
            "mlat_referral": (Outcome.ROUTE_MLAT,)}


def letter_language(demand: Demand) -> str:
    language = (demand.language or "en").strip().lower().replace("_", "-")
    language = ALIASES.get(language, language)
    return language if language in SUPPORTED else "en"


def _reasons(demand: Demand, kind: str) -> list[str]:
    from dueprocess.review.reasons import REASON_LABELS

    outcomes = REFUSING.get(kind)
    if not outcomes or demand.pk is None:
        return []
    codes: list[str] = []
    for row in demand.decisions.filter(superseded=False, outcome__in=outcomes).values_list(
            "reason_codes", flat=True):
        for code in row or ():
            if code not in codes:
                codes.append(code)
    return [str(REASON_LABELS.get(c, c)) for c in codes]


def letter_context(demand: Demand, kind: str, extra: str = "") -> dict[str, Any]:
    return {"demand": demand, "extra": extra, "reasons": _reasons(demand, kind),
            "authority": demand.authority.name}


def render_letter(demand: Demand, kind: str, *, extra: str = "") -> tuple[str, str]:
    """Subject and plain-text body; the body is never HTML, so nothing in it is markup."""
    with translation.override(letter_language(demand)):
        body = render_to_string(f"notices/letters/{kind}.txt",
                                letter_context(demand, kind, extra))
        subject = str(translation.gettext(SUBJECTS[kind]))
    return f"{subject}: {demand.reference}", body.strip() + "\n"
