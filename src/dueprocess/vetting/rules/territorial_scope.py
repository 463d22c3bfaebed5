"""Where a restriction would take effect, and whether less would do.

- ``jurisdiction.extraterritorial_scope`` (warning): a content or account restriction is
  asked for territories beyond the requesting jurisdiction (or worldwide);
- ``scope.less_restrictive_available`` (info): a removal, a worldwide restriction or an
  account restriction could be met by withholding the content or the account in the
  requesting jurisdiction only, and the instrument allows it. Carries the proposal.
  ``evidence["global"]`` is true when the ask names no territory or the whole world: then
  the least restrictive way is what vetting recommends (``comply_partially``). A removal
  already limited to named territories is carried out as a withholding there anyway, so
  the finding only notes it.

No narrower withholding is proposed where the law or the content calls for removal: an
instrument with ``removal_required`` (TCO Regulation: all Member States; PHAROS) or a cited
offence that is ``universal`` (child sexual abuse material, which is removed everywhere,
so a worldwide scope is no extraterritorial overreach either).

A removal from a national authority under an instrument that cannot be met by withholding
takes effect worldwide: ``jurisdiction.extraterritorial_scope`` says so, so such a demand
is never a plain ``comply``.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.regions import WORLDWIDE
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.territorial_scope"
VERSION = 4

_ACCOUNT_MEASURES = (None, "", "suspend", "terminate")


def check(ctx: VetContext) -> Iterator[Finding]:
    home = ctx.home
    requester = ctx.demand.jurisdiction.strip().upper()
    local = "EU" if requester == "EU" else requester
    instrument = ctx.instrument
    universal = ctx.universal
    removal_required = instrument is not None and instrument.removal_required
    for index, ask in enumerate(ctx.demand.asks):
        if ask.kind not in ("restrict_content", "restrict_account"):
            continue
        scope = [s.strip().upper() for s in ask.territorial_scope if s.strip()]
        outside = [s for s in scope if s not in home]
        worldwide = any(s in WORLDWIDE for s in scope)
        unlimited = not scope or worldwide
        if ask.kind == "restrict_account":
            # Any account restriction the instrument compels includes the lesser one of
            # withholding the account where the law applies.
            allowed = instrument.allowed("restrict_account") if instrument else None
            if (instrument is None or allowed is not None) and unlimited \
                    and ask.measure in _ACCOUNT_MEASURES and not universal:
                yield RULE.finding(
                    "scope.less_restrictive_available",
                    "info",
                    f"Ask {index} ({ask.measure or 'restrict'} the account) names no "
                    f"territorial limit: withholding the account in {local} only would meet "
                    "the demand with less effect on the user elsewhere.",
                    {
                        "requested": {"measure": ask.measure, "territorial_scope": scope},
                        "proposal": {"measure": "withhold", "territorial_scope": [local]},
                        "global": True,
                    },
                    ask_index=index,
                )
            if outside and not universal:
                yield RULE.finding(
                    "jurisdiction.extraterritorial_scope",
                    "warning",
                    f"Ask {index} asks to restrict the account beyond {local}: "
                    f"{', '.join(outside)}.",
                    {"territorial_scope": scope, "outside": outside, "home": local},
                    ask_index=index,
                )
            continue
        if universal:
            continue
        if outside:
            yield RULE.finding(
                "jurisdiction.extraterritorial_scope",
                "warning",
                f"Ask {index} asks for restriction beyond {local}: {', '.join(outside)}.",
                {"territorial_scope": scope, "outside": outside, "home": local},
                ask_index=index,
            )
        # With an unknown instrument the proposal is still worth making.
        allowed = instrument.allowed("restrict_content") if instrument else None
        can_withhold = instrument is None or (allowed is not None and "withhold" in allowed)
        if removal_required:
            continue
        if (
            not can_withhold
            and not outside
            and not scope
            and ask.measure in ("remove", "disable")
            and local != "EU"
        ):
            yield RULE.finding(
                "jurisdiction.extraterritorial_scope",
                "warning",
                f"Ask {index} ({ask.measure} the content) names no territory and "
                f"{instrument.id if instrument else 'the instrument'} allows no withholding: "
                f"an authority of {local} would have it take effect worldwide.",
                {"territorial_scope": scope, "outside": ["WW"], "home": local},
                ask_index=index,
            )
        if can_withhold and (ask.measure in ("remove", "disable") or worldwide):
            where = "names no territorial limit" if not scope else (
                "reaches the whole world" if worldwide else f"is limited to {', '.join(scope)}")
            yield RULE.finding(
                "scope.less_restrictive_available",
                "info",
                f"Ask {index} ({ask.measure or 'restrict'} the content) {where}: withholding "
                f"the content in {local} only would meet the demand with less effect on "
                "expression elsewhere.",
                {
                    "requested": {"measure": ask.measure, "territorial_scope": scope},
                    "proposal": {"measure": "withhold", "territorial_scope": [local]},
                    "global": unlimited,
                },
                ask_index=index,
            )


RULE = Rule(NAME, VERSION, check)
