"""The reason codes a reviewer may give for a decision.

A fixed, maintained list rather than free text: transparency reports and the audit log
count decisions by reason, which only works when everyone uses the same codes. The labels
are translated because refusal letters quote them to the authority. Add codes at the end;
never rename one that has been used (old decisions keep their codes).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: tuple[tuple[str, Promise], ...] = (
    ("valid_legal_process", _("Valid legal process")),
    ("insufficient_process", _("Legal process insufficient for what is asked")),
    ("overbroad", _("Overbroad: scope beyond what is necessary")),
    ("foreign_target", _("Target or data outside the requesting jurisdiction")),
    ("human_rights_risk", _("Human-rights risk to the user")),
    ("sanctioned_official", _("Issued or approved by a sanctioned official")),
    ("jurisdiction_policy", _("Platform policy for this jurisdiction")),
    ("missing_element", _("A required element is missing")),
    ("emergency_verified", _("Emergency verified out of band")),
    ("no_data", _("No data or content exists for the target")),
    ("mlat_required", _("Must come through mutual legal assistance (MLAT)")),
    ("unverified_sender", _("Sender or authority could not be verified")),
    ("least_restrictive", _("A less restrictive measure suffices")),
    ("issuer_not_competent", _("The issuer may not issue this kind of order")),
    ("political_expression", _("The demand targets political expression")),
    ("indefinite_gag", _("Non-disclosure without an end date")),
    ("not_lawful_here", _("The content is lawful where it is hosted")),
    ("duplicate", _("Duplicate of an earlier demand")),
)

REASON_LABELS: dict[str, Promise] = dict(REASONS)
