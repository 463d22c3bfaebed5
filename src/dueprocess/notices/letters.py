"""Letters to authorities, rendered from translatable templates in the demand's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from dueprocess.demands.models import Demand

SUBJECTS = {
    "acknowledgement": "Acknowledgement of receipt",
    "clarification_request": "Request for clarification",
    "refusal": "Response: we are unable to comply",
    "mlat_referral": "Response: please proceed through mutual legal assistance",
    "effect_report": "Report on the effect given to your demand",
}

SUPPORTED = ("en", "zh-hant", "de")


def render_letter(demand: Demand, kind: str, *, extra: str = "") -> tuple[str, str]:
    language = (demand.language or "en").lower()
    if language not in SUPPORTED:
        language = "en"
    with translation.override(language):
        body = render_to_string(f"notices/letters/{kind}.txt",
                                {"demand": demand, "extra": extra})
        subject = str(translation.gettext(SUBJECTS[kind]))
    return f"{subject}: {demand.reference}", body.strip() + "\n"
