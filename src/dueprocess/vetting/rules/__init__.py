"""The registered rules, in the order they run (and their findings are listed).

``RULES_VERSION`` names the rule set: a short hash of every rule's name and version, stored
with each vetting result so a re-vet can tell whether the rules changed.
"""

from __future__ import annotations

import hashlib

from dueprocess.vetting.rules import (
    at_risk_targets,
    breadth,
    deadline,
    duplicate,
    elements,
    enforcing_state,
    equivalent,
    establishment,
    foreign_target,
    gag,
    in_force,
    issuer,
    offence_dates,
    out_of_scope,
    policies,
    process,
    risk_instrument,
    sanctions,
    scope_limits,
    sender,
    statutes,
    stored_data,
    territorial_scope,
    unknown_instrument,
)
from dueprocess.vetting.rules.base import Rule

__all__ = ["RULES", "RULES_VERSION", "Rule"]

RULES: tuple[Rule, ...] = (
    policies.RULE,
    sanctions.PERSONS,
    sanctions.AUTHORITY,
    sender.SENDER_IDENTITY,
    sender.FRAUD_SIGNAL,
    sender.EMERGENCY_CALLBACK,
    duplicate.RULE,
    unknown_instrument.RULE,
    in_force.RULE,
    process.RULE,
    out_of_scope.RULE,
    stored_data.RULE,
    issuer.RULE,
    elements.RULE,
    statutes.RULE,
    offence_dates.RULE,
    risk_instrument.RULE,
    at_risk_targets.RULE,
    gag.RULE,
    foreign_target.RULE,
    enforcing_state.RULE,
    territorial_scope.RULE,
    establishment.RULE,
    equivalent.RULE,
    scope_limits.RULE,
    breadth.RULE,
    deadline.RULE,
)

RULES_VERSION: str = hashlib.sha256(
    ";".join(f"{rule.name}@{rule.version}" for rule in RULES).encode()
).hexdigest()[:12]
