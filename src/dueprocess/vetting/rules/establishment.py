"""An order of another Member State reaching beyond its territory (DSA Art. 9(2)(b)).

An order to act against illegal content must have a territorial scope limited to what is
strictly necessary (DSA Art. 9(2)(b)); Recital 36 adds that an order from an authority of
one Member State should, as a rule, not reach beyond that State unless the Union or
national law and the circumstances justify it. The Member State where the platform has
its main establishment (or, without one, its legal representative) is the one with
jurisdiction over it (Art. 56), so its orders may reach further; worldwide reach is judged
by ``jurisdiction.territorial_scope`` for every order.

- ``scope.beyond_issuing_state`` (warning): a content restriction ordered by an authority
  of a Member State other than the platform's reaches beyond that State (other Member
  States, the EU, the world, or no stated territory). Proposal: withhold in the issuing
  State only; the recommendation is ``comply_partially`` unless something graver stands.
- ``jurisdiction.cross_border_scrutiny`` (info): a ``union_wide`` order (TCO Regulation
  Art. 3: removal in all Member States) from another Member State; the platform may ask
  the competent authority of its own State to scrutinise it within 48 hours (Art. 4(4)).

Nothing is said when the establishment is not configured, when the authority is a Union
body, or for offences unlawful everywhere (``universal``).
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.law.regions import EU_MEMBER_STATES, WORLDWIDE, country_of
from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "jurisdiction.establishment"
VERSION = 1

DSA = "https://eur-lex.europa.eu/eli/reg/2022/2065/oj"
TCO = "https://eur-lex.europa.eu/eli/reg/2021/784/oj"


def _state(code: str) -> str:
    upper = country_of(code.strip().upper())
    return "GR" if upper == "EL" else upper


def check(ctx: VetContext) -> Iterator[Finding]:
    establishment = ctx.demand.establishment
    if establishment is None or not establishment.member_state:
        return
    home = establishment.member_state
    issuer = _state(ctx.demand.jurisdiction)
    if issuer == home or issuer not in EU_MEMBER_STATES or ctx.universal:
        return
    instrument = ctx.instrument
    for index, ask in enumerate(ctx.demand.asks):
        if ask.kind != "restrict_content":
            continue
        scope = [s.strip().upper() for s in ask.territorial_scope if s.strip()]
        if instrument is not None and instrument.union_wide:
            yield RULE.finding(
                "jurisdiction.cross_border_scrutiny",
                "info",
                f"Ask {index}: a {instrument.name} from {issuer} applies in every Member "
                f"State by law; the platform is established in {home}, whose competent "
                "authority it may ask to scrutinise the order within 48 hours of receipt "
                "(Regulation (EU) 2021/784 Art. 4(4)).",
                {"issuing_state": issuer, "establishment": home, "instrument": instrument.id,
                 "sources": [TCO]},
                ask_index=index,
            )
            continue
        beyond = [s for s in scope if _state(s) != issuer]
        if scope and not beyond:
            continue
        where = ", ".join(beyond) if beyond else "no stated territory"
        if any(s in WORLDWIDE for s in scope):
            where = "the whole world"
        yield RULE.finding(
            "scope.beyond_issuing_state",
            "warning",
            f"Ask {index} asks an authority of {issuer} to have content restricted beyond "
            f"{issuer} ({where}); the platform is established in {home}. DSA Art. 9(2)(b) "
            "and Recital 36: the order's reach is limited to what is strictly necessary, as a "
            f"rule the issuing State; proposal: withhold the content in {issuer} only.",
            {
                "issuing_state": issuer,
                "establishment": home,
                "territorial_scope": scope,
                "beyond": beyond or ["WW"],
                "requested": {"measure": ask.measure, "territorial_scope": scope},
                "proposal": {"measure": "withhold", "territorial_scope": [issuer]},
                "provisions": ["Regulation (EU) 2022/2065, Art. 9(2)(b)", "Recital 36",
                               "Art. 56"],
                "sources": [DSA],
            },
            ask_index=index,
        )


RULE = Rule(NAME, VERSION, check)
