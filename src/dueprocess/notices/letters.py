"""Letters to authorities, rendered from translatable templates in the demand's language.

English, Traditional Chinese and German catalogues live in ``notices/locale``; a demand in
any other language gets the English letter. A refusal, an MLAT referral and a partial
compliance letter quote the reasons the reviewer chose (see :mod:`dueprocess.notices.reasons`:
by default the decision's reason codes and findings, never the internal assessment); the
reviewers' free-text rationale stays internal.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from dueprocess.demands.models import Demand
from dueprocess.notices.reasons import default_reasons, quoted_sentences, reason_options

SUBJECTS = {
    "acknowledgement": gettext_noop("Acknowledgement of receipt"),
    "clarification_request": gettext_noop("Request for clarification"),
    "refusal": gettext_noop("Response: we are unable to comply"),
    "mlat_referral": gettext_noop("Response: please proceed through mutual legal assistance"),
    "effect_report": gettext_noop("Report on the effect given to your demand"),
    "partial_compliance": gettext_noop("Response: we will comply in part"),
}

SUPPORTED = ("en", "zh-hant", "de")
ALIASES = {"zh-hk": "zh-hant", "zh-tw": "zh-hant", "zh-mo": "zh-hant", "zh_hant": "zh-hant",
           "de-de": "de", "de-at": "de", "de-ch": "de", "en-us": "en", "en-gb": "en"}


def letter_language(demand: Demand) -> str:
    language = (demand.language or "en").strip().lower().replace("_", "-")
    language = ALIASES.get(language, language)
    return language if language in SUPPORTED else "en"


def letter_context(demand: Demand, kind: str, extra: str = "",
                   reasons: list[str] | None = None) -> dict[str, Any]:
    """``reasons``: the keys of the reasons to quote; ``None`` quotes the default ones."""
    options = reason_options(demand, kind)
    keys = default_reasons(options) if reasons is None else reasons
    return {"demand": demand, "extra": extra, "reasons": quoted_sentences(options, keys),
            "authority": demand.authority.name}


def render_letter(demand: Demand, kind: str, *, extra: str = "",
                  reasons: list[str] | None = None) -> tuple[str, str]:
    """Subject and plain-text body; the body is never HTML, so nothing in it is markup."""
    with translation.override(letter_language(demand)):
        body = render_to_string(f"notices/letters/{kind}.txt",
                                letter_context(demand, kind, extra, reasons))
        subject = str(translation.gettext(SUBJECTS[kind]))
    return f"{subject}: {demand.reference}", body.strip() + "\n"
