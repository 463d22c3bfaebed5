"""From findings to one recommendation, with the findings that drove it.

The first tier that applies wins:

0. ``hold`` — any ``auth.*`` warning or block: a look-alike domain, a flagged or
   unverified sender, an emergency disclosure without a confirmed call-back. Authenticity
   comes before everything: until the sender is verified through a registry contact,
   nothing else about the demand matters, and no answer (not even an MLAT referral, a
   refusal or a clarification request) may go to someone who may be a forger. A confirmed
   call-back turns these findings into ``info`` and the demand is judged on its merits.
1. ``route_mlat`` — any ``policy.route_mlat``. The platform has decided this
   jurisdiction's data demands go through mutual legal assistance; that answer to the
   authority does not depend on anything else in the demand.
2. ``hold`` — any ``policy.jurisdiction_paused``. A pause is a deliberate stop pending a
   policy decision; nothing is judged on the merits until it is lifted.
2b. ``escalate`` — any ``block`` from sanctions screening (``sanctions.*``): the demand
   may come from a listed person, so a person looks at it before anything, even a refusal
   or a clarification request, goes back.
3. ``reject`` — ``legal.instrument_not_in_force``, or every ask is unenforceable: each
   has a ``legal.insufficient_process`` or ``legal.issuer_not_competent`` finding that
   does not leave part of the ask standing (``evidence["partial"]`` false).
4. ``escalate`` — ``legal.unknown_instrument`` together with a ``rights.*``,
   ``jurisdiction.extraterritorial_scope``, ``legal.out_of_scope_process`` or
   ``policy.human_rights_review`` warning: a clarification request would treat a rights
   question as a paperwork one.
4b. ``request_clarification`` — ``legal.unknown_instrument`` or ``legal.missing_element``:
   the authority can fix the demand.
5. ``escalate`` — any other warning or block: ``rights.*``, ``jurisdiction.*``,
   ``legal.statute_mismatch``, ``policy.human_rights_review``, ``policy.condition_error``,
   ``policy.invalid``, ``vetting.rule_error``, and findings from outside this package
   (``sanctions.*``). Unknown codes escalate rather than pass silently.
6. ``comply_partially`` — ``scope.overbroad``; ``scope.beyond_issuing_state`` (another
   Member State's order reaching beyond it: withhold there only); a removal or account
   restriction with no territorial limit (or a worldwide one) where withholding in the
   issuing territory would do (``scope.less_restrictive_available`` with
   ``evidence["global"]``: least restrictive first); or some (not all) asks or parts of
   asks are beyond the instrument or the issuer.
7. ``comply`` — only ``info`` findings, or none.

Whatever the recommendation, its explanation names the least restrictive proposals, so a
reviewer who escalates or complies sees the narrower way before deciding.

Partial legal defects rank below escalation and clarification on purpose: when a demand is
half valid and also needs a human-rights review or a missing statement of reasons, the
review or the clarification comes first, and the narrower answer follows from it.
"""

from __future__ import annotations

from collections.abc import Sequence

from dueprocess.vetting.findings import Finding

__all__ = ["RANK", "VERIFY_FIRST", "held_for_authenticity", "recommend", "unenforceable_asks"]

#: Higher is more restrictive; matches the precedence above.
RANK: dict[str, int] = {
    "comply": 0,
    "comply_partially": 1,
    "escalate": 2,
    "request_clarification": 3,
    "reject": 4,
    "hold": 5,
    "route_mlat": 6,
}

_VERIFY_AREAS = ("sanctions.",)
_AUTH = "auth."
#: What a held-for-authenticity explanation asks the reviewer to do.
VERIFY_FIRST = "verify the sender through a registry contact first"
_LEGAL_DEFECTS = frozenset({"legal.insufficient_process", "legal.issuer_not_competent"})
_CLARIFY = frozenset({"legal.unknown_instrument", "legal.missing_element"})
_LESS = "scope.less_restrictive_available"
#: Findings that make an unknown instrument a matter for a person, not a clarification.
_UNKNOWN_BUT = ("rights.", "jurisdiction.extraterritorial_scope", "legal.out_of_scope_process",
                "policy.human_rights_review")
_BEYOND = "scope.beyond_issuing_state"
_CLASSIFIED = frozenset(
    {"policy.route_mlat", "policy.jurisdiction_paused", "legal.instrument_not_in_force",
     "scope.overbroad", _BEYOND}
) | _LEGAL_DEFECTS | _CLARIFY  # fmt: skip


def unenforceable_asks(findings: Sequence[Finding], ask_count: int) -> set[int]:
    """Indexes of asks that nothing in the instrument or the issuer's competence supports."""
    out: set[int] = set()
    for finding in findings:
        if finding.code in _LEGAL_DEFECTS and not finding.evidence.get("partial", False):
            if finding.ask_index is None:
                return set(range(ask_count))
            out.add(finding.ask_index)
    return out


def held_for_authenticity(findings: Sequence[Finding]) -> list[Finding]:
    """The authentication findings that hold the demand (``info`` ones never do)."""
    return [f for f in findings if f.code.startswith(_AUTH) and f.severity != "info"]


def _explain(recommendation: str, drivers: list[Finding], findings: Sequence[Finding]) -> str:
    if drivers:
        shown = "; ".join(f"{f.code}: {f.message.rstrip('.')}" for f in drivers[:3])
        more = f" (and {len(drivers) - 3} more)" if len(drivers) > 3 else ""
        text = f"{recommendation} because of {shown}{more}"
    else:
        text = (
            f"{recommendation}: no finding blocks the demand, needs clarification or needs review"
        )
    driving = {id(f) for f in drivers}
    others = list(
        dict.fromkeys(
            f"{f.code} ({f.severity})"
            for f in findings
            if id(f) not in driving and f.severity != "info"
        )
    )
    if others:
        text += f". Also found: {', '.join(others)}"
    proposals = [f.message.rstrip(".") for f in findings
                 if f.code == _LESS and f.evidence.get("global") and id(f) not in driving]
    if proposals:
        text += ". Least restrictive: " + "; ".join(proposals[:3])
    return text + "."


def recommend(findings: Sequence[Finding], ask_count: int) -> tuple[str, str]:
    """The recommendation and its explanation; see the module docstring for precedence."""

    def having(*codes: str) -> list[Finding]:
        return [f for f in findings if f.code in codes]

    unverified = held_for_authenticity(findings)
    if unverified:
        return "hold", _explain("hold", unverified, findings)[:-1] + f"; {VERIFY_FIRST}."
    tiers: list[tuple[str, list[Finding]]] = [
        ("route_mlat", having("policy.route_mlat")),
        ("hold", having("policy.jurisdiction_paused")),
        (
            "escalate",
            [f for f in findings if f.severity == "block" and f.code.startswith(_VERIFY_AREAS)],
        ),
    ]
    defects = having(*_LEGAL_DEFECTS)
    dead = unenforceable_asks(findings, ask_count)
    all_dead = ask_count > 0 and len(dead) >= ask_count
    tiers.append(
        ("reject", having("legal.instrument_not_in_force") + (defects if all_dead else []))
    )
    # An instrument the library lacks is a question for the authority, unless rights or
    # scope warnings already stand: then a person decides before anything is asked.
    if [f for f in having("legal.unknown_instrument") if f.severity != "info"]:
        tiers.append(("escalate", [f for f in findings if f.severity in ("warning", "block")
                                   and f.code.startswith(_UNKNOWN_BUT)]))
    tiers.append(
        ("request_clarification", [f for f in having(*_CLARIFY) if f.severity != "info"])
    )
    tiers.append(
        (
            "escalate",
            [
                f
                for f in findings
                if f.code not in _CLASSIFIED and f.severity in ("warning", "block")
            ],
        )
    )
    narrower = [f for f in having(_LESS) if f.evidence.get("global")]
    tiers.append(
        ("comply_partially", having("scope.overbroad", _BEYOND) + narrower + defects)
    )
    for recommendation, drivers in tiers:
        if drivers:
            return recommendation, _explain(recommendation, drivers, findings)
    return "comply", _explain("comply", [], findings)
