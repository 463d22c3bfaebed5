"""Where a restriction would take effect, and whether less would do.

- ``jurisdiction.extraterritorial_scope`` (warning): a content restriction is asked for
  territories beyond the requesting jurisdiction (or worldwide);
- ``scope.less_restrictive_available`` (info): a removal or worldwide restriction could be
  met by withholding the content in the requesting jurisdiction only, and the instrument
  allows withholding. Carries the proposal.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.regions import WORLDWIDE
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.territorial_scope"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    home = ctx.home
    requester = ctx.demand.jurisdiction.strip().upper()
    local = "EU" if requester == "EU" else requester
    instrument = ctx.instrument
    for index, ask in enumerate(ctx.demand.asks):
        if ask.kind != "restrict_content":
            continue
        scope = [s.strip().upper() for s in ask.territorial_scope if s.strip()]
        outside = [s for s in scope if s not in home]
        worldwide = any(s in WORLDWIDE for s in scope)
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
        if can_withhold and (ask.measure in ("remove", "disable") or worldwide):
            yield RULE.finding(
                "scope.less_restrictive_available",
                "info",
                f"Ask {index}: withholding the content in {local} only would meet the demand "
                "with less effect on expression elsewhere.",
                {
                    "requested": {"measure": ask.measure, "territorial_scope": scope},
                    "proposal": {"measure": "withhold", "territorial_scope": [local]},
                },
                ask_index=index,
            )


RULE = Rule(NAME, VERSION, check)
