"""The reason codes a reviewer may give for a decision.

A fixed, maintained list rather than free text: transparency reports and the audit log
count decisions by reason, which only works when everyone uses the same codes.
"""

from __future__ import annotations

REASONS: tuple[tuple[str, str], ...] = (
    ("valid_legal_process", "Valid legal process"),
    ("insufficient_process", "Legal process insufficient for what is asked"),
    ("overbroad", "Overbroad: scope beyond what is necessary"),
    ("foreign_target", "Target or data outside the requesting jurisdiction"),
    ("human_rights_risk", "Human-rights risk to the user"),
    ("sanctioned_official", "Issued or approved by a sanctioned official"),
    ("jurisdiction_policy", "Platform policy for this jurisdiction"),
    ("missing_element", "A required element is missing"),
    ("emergency_verified", "Emergency verified out of band"),
    ("no_data", "No data or content exists for the target"),
    ("mlat_required", "Must come through mutual legal assistance (MLAT)"),
    ("unverified_sender", "Sender or authority could not be verified"),
    ("least_restrictive", "A less restrictive measure suffices"),
)

REASON_LABELS: dict[str, str] = dict(REASONS)
