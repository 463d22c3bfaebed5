"""``legal.insufficient_process``: the instrument cannot compel what an ask wants.

Content under a subpoena, account termination under a request that only allows
suspension. Evidence says what was asked, what is beyond the instrument and what it can
compel; ``partial`` is true when the rest of the ask is still within it, which is what
lets the recommendation distinguish "reject" from "comply partially".
Also ``legal.voluntary_disclosure`` (info): the instrument permits but does not compel.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "legal.process"
VERSION = 1

_MEASURED = frozenset({"restrict_account", "restrict_content"})


def check(ctx: VetContext) -> Iterator[Finding]:
    instrument = ctx.instrument
    if instrument is None:
        return
    compels = {kind: list(values) for kind, values in instrument.compels.items()}
    label = f"{instrument.name} ({instrument.id})"
    for index, ask in enumerate(ctx.demand.asks):
        allowed = instrument.allowed(ask.kind)
        base = {"instrument": instrument.id, "ask_kind": ask.kind, "instrument_compels": compels}
        if allowed is None:
            yield RULE.finding(
                "legal.insufficient_process",
                "block",
                f"{label} cannot compel a {ask.kind!r} ask; it can compel: "
                f"{', '.join(compels) or 'nothing'}.",
                {**base, "not_compellable": [ask.kind], "partial": False},
                ask_index=index,
            )
        elif ask.kind == "disclose":
            requested = list(dict.fromkeys(ask.data_categories))
            beyond = [c for c in requested if c not in allowed]
            if beyond:
                yield RULE.finding(
                    "legal.insufficient_process",
                    "block",
                    f"{label} cannot compel disclosure of {', '.join(beyond)}; it can compel: "
                    f"{', '.join(sorted(allowed))}.",
                    {
                        **base,
                        "requested": requested,
                        "not_compellable": beyond,
                        "partial": len(beyond) < len(requested),
                    },
                    ask_index=index,
                )
        elif ask.kind in _MEASURED and ask.measure is not None and ask.measure not in allowed:
            yield RULE.finding(
                "legal.insufficient_process",
                "block",
                f"{label} cannot compel the measure {ask.measure!r}; it allows: "
                f"{', '.join(sorted(allowed))}.",
                {
                    **base,
                    "requested": [ask.measure],
                    "not_compellable": [ask.measure],
                    "partial": False,
                },
                ask_index=index,
            )
    if instrument.voluntary and ctx.demand.asks:
        yield RULE.finding(
            "legal.voluntary_disclosure",
            "info",
            f"{label} permits but does not compel a response: the platform decides.",
            {"instrument": instrument.id},
        )


RULE = Rule(NAME, VERSION, check)
