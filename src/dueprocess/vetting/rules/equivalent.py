"""``scope.equivalent_content``: a restriction reaches "identical or equivalent" content.

A stay-down order asks the platform to find and act on content it was not shown. The CJEU
allowed it only where the order itself specifies the elements of the equivalent content so
that the host need not make an independent assessment (Glawischnig-Piesczek, C-18/18,
3 October 2019); Brazil's TSE Resolution 23.714/2022 extended removals to identical content
by the Presidency's decision. It amounts to general monitoring of what users publish next
(DSA Art. 8), so a person decides how far it goes: a warning, with the items named as the
least the platform can do.
"""

from __future__ import annotations

from collections.abc import Iterator

from dueprocess.vetting.context import VetContext
from dueprocess.vetting.findings import Finding
from dueprocess.vetting.rules.base import Rule

NAME = "scope.equivalent_content"
VERSION = 1


def check(ctx: VetContext) -> Iterator[Finding]:
    for index, ask in enumerate(ctx.demand.asks):
        if ask.kind != "restrict_content" or not ask.equivalent_content:
            continue
        yield RULE.finding(
            "scope.equivalent_content",
            "warning",
            f"Ask {index} reaches content identical or equivalent to the {ctx.targets.contents} "
            "item(s) named: a stay-down obligation. Glawischnig-Piesczek (C-18/18) allows it "
            "only where the order specifies the elements to look for; proposal: act on the "
            "items named.",
            {"named_items": ctx.targets.contents, "proposal": {"equivalent_content": False}},
            ask_index=index,
        )


RULE = Rule(NAME, VERSION, check)
