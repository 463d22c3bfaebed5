"""Which reasons a letter to the authority may quote, and how each reads to the authority.

A letter's reasons are chosen by the reviewer from the decision's reason codes and the
vetting findings. Each choice is quoted as one sentence written for the authority, never
as the internal assessment: a refusal must not tell a police force that the platform
screened its officer against a sanctions list or judged the demand to target political
expression. Reasons of that kind (sanctions matches, rights assessments, policy,
authentication and jurisdiction findings, and the matching reason codes) are offered but
left unchecked; a reviewer who quotes one does so on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from dueprocess.demands.models import Demand, NoticeKind, Outcome
from dueprocess.demands.reasons import REASON_LABELS

#: Finding areas that record the platform's own assessment.
INTERNAL_AREAS = ("sanctions.", "rights.", "policy.", "auth.", "jurisdiction.")

#: Decision reason codes that reveal the same assessments.
INTERNAL_REASONS = frozenset({"sanctioned_official", "human_rights_risk",
                              "political_expression", "unverified_sender",
                              "jurisdiction_policy", "emergency_verified"})

#: One authority-facing sentence per finding code (or area, ending in a dot).
FINDING_SENTENCES: dict[str, str] = {
    "legal.insufficient_process": gettext_noop(
        "The legal process is not sufficient for what is asked."),
    "legal.issuer_not_competent": gettext_noop(
        "The issuing authority may not issue this kind of order."),
    "legal.instrument_not_in_force": gettext_noop(
        "The legal instrument relied on is not in force."),
    "legal.missing_element": gettext_noop("A required element of the demand is missing."),
    "legal.unknown_instrument": gettext_noop(
        "We could not identify the legal instrument the demand relies on."),
    "legal.statute_mismatch": gettext_noop(
        "The offence stated does not match the legal instrument relied on."),
    "scope.overbroad": gettext_noop("The demand asks for more than is necessary."),
    "sanctions.": gettext_noop(
        "The demand was issued or approved by a person subject to sanctions."),
    "rights.": gettext_noop("The demand puts the fundamental rights of the user at risk."),
    "policy.": gettext_noop("Our policy for demands from this jurisdiction applies."),
    "auth.": gettext_noop("We could not verify the sender of the demand."),
    "jurisdiction.": gettext_noop("The data or content is outside the requesting "
                                  "jurisdiction."),
    "": gettext_noop("The demand does not meet a legal requirement we apply."),
}

#: Letters that quote reasons, and the decision outcomes whose reason codes they offer.
QUOTING: dict[str, tuple[str, ...]] = {
    NoticeKind.REFUSAL: (Outcome.REJECT, Outcome.ROUTE_MLAT),
    NoticeKind.MLAT_REFERRAL: (Outcome.ROUTE_MLAT,),
    NoticeKind.PARTIAL_COMPLIANCE: (Outcome.REJECT, Outcome.ROUTE_MLAT,
                                    Outcome.COMPLY_PARTIALLY),
}


@dataclass(frozen=True)
class ReasonOption:
    key: str        # "reason:<code>" or "finding:<code>"
    code: str
    sentence: str   # untranslated msgid, or a lazy label; translated when rendered
    internal: bool

    @property
    def label(self) -> str:
        return str(self.sentence)


def finding_sentence(code: str) -> str:
    if code in FINDING_SENTENCES:
        return FINDING_SENTENCES[code]
    area = code.split(".", 1)[0] + "."
    return FINDING_SENTENCES.get(area, FINDING_SENTENCES[""])


def reason_options(demand: Demand, kind: str) -> list[ReasonOption]:
    """What the reviewer may quote in this letter: decision reasons first, then findings."""
    outcomes = QUOTING.get(kind)
    if not outcomes or demand.pk is None:
        return []
    options: list[ReasonOption] = []
    seen: set[str] = set()
    for row in demand.decisions.filter(superseded=False, outcome__in=outcomes).order_by(
            "pk").values_list("reason_codes", flat=True):
        for code in row or ():
            key = f"reason:{code}"
            if key not in seen:
                seen.add(key)
                options.append(ReasonOption(key, code, REASON_LABELS.get(code, code),
                                            code in INTERNAL_REASONS))
    for code in demand.findings.current().exclude(severity="info").order_by("pk").values_list(
            "code", flat=True):
        key = f"finding:{code}"
        if key not in seen:
            seen.add(key)
            options.append(ReasonOption(key, code, finding_sentence(code),
                                        code.startswith(INTERNAL_AREAS)))
    return options


def default_reasons(options: list[ReasonOption]) -> list[str]:
    """Everything except the platform's internal assessment."""
    return [o.key for o in options if not o.internal]


def quoted_sentences(options: list[ReasonOption], keys: list[str]) -> list[str]:
    """The chosen reasons as sentences in the active language, without repeats."""
    from django.utils.translation import gettext

    wanted = set(keys)
    out: list[str] = []
    for option in options:
        if option.key in wanted:
            text = (gettext(option.sentence) if isinstance(option.sentence, str)
                    else str(option.sentence))
            if text not in out:
                out.append(text)
    return out
