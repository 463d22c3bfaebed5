"""The staff roles, as Django groups with permissions, defined here and synced on migrate.

Each role is a list of permission patterns (``app_label.codename`` with ``*`` wildcards), so
a permission added by a new model lands in the right roles on the next ``migrate`` without
editing this file: every ``view_*`` reaches the auditor, every permission the admin. The
groups are reset to these definitions on every migrate; a platform that wants a variation
makes a group of its own beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

# What the console's steps require; the API's decision endpoints check the same ones.
READ_PERM = "demands.view_demand"
DECIDE_PERM = "demands.add_decision"
APPROVE_PERM = "demands.change_decision"
HUMAN_RIGHTS_PERM = "review.add_humanrightsreview"
OVERRIDE_PERM = "review.add_override"  # comply against block findings or the HR conclusion
NOTE_PERM = "review.add_note"  # internal notes on a demand
SIGNOFF_PERM = "sanctions.add_hitsignoff"  # sanctions counsel's sign-off of a confirmed hit
PUBLISH_PERM = "transparency.review_publication"  # prepare, correct, publish the public copy
AUDIT_PERM = "audit.view_auditevent"  # the audit chain in the console

SAVE_VIEW_PERM = "review.add_savedview"  # keep a named queue view (and delete one's own)

# Every role but the auditor: read the cases, and keep one's own queue views.
_READ_CASES = ("demands.view_*", "review.view_*", "intake.view_*", "execution.view_*",
               SAVE_VIEW_PERM, "review.delete_savedview")


@dataclass(frozen=True)
class Role:
    label: str
    description: str
    patterns: tuple[str, ...]

    def grants(self, app_label: str, codename: str) -> bool:
        for pattern in self.patterns:
            app_pattern, _, code_pattern = pattern.partition(".")
            if fnmatchcase(app_label, app_pattern) and fnmatchcase(codename, code_pattern):
                return True
        return False


ROLES: dict[str, Role] = {
    "intake": Role(
        "Intake", "Registers authorities and requesters, records demands that arrive by "
        "e-mail or post, uploads documents and targets; reads every case.",
        (*_READ_CASES, "demands.add_demand", "demands.change_demand", "demands.add_authority",
         "demands.change_authority", "demands.add_requester", "demands.change_requester",
         "demands.add_document", "demands.add_target", "intake.*", NOTE_PERM)),
    "legal_reviewer": Role(
        "Legal reviewer", "Claims demands, decides each ask and target, asks the authority "
        "for clarification.",
        (*_READ_CASES, DECIDE_PERM, NOTE_PERM)),
    "legal_lead": Role(
        "Legal lead", "Decides like a legal reviewer and may record an override: complying "
        "against block findings or the human-rights conclusion, with reasons, always "
        "approved by a second person.",
        (*_READ_CASES, DECIDE_PERM, NOTE_PERM, OVERRIDE_PERM)),
    "sanctions_counsel": Role(
        "Sanctions counsel", "Signs off a screening hit confirmed true before complying "
        "with the demand can be approved.",
        (*_READ_CASES, NOTE_PERM, SIGNOFF_PERM)),
    "human_rights_reviewer": Role(
        "Human-rights reviewer", "Records the human-rights review (legality, necessity, "
        "proportionality, less restrictive alternatives) where policy requires one.",
        (*_READ_CASES, HUMAN_RIGHTS_PERM, NOTE_PERM)),
    "approver": Role(
        "Approver", "The second pair of eyes: approves decisions another person recorded, "
        "or sends them back with a comment.",
        (*_READ_CASES, APPROVE_PERM, NOTE_PERM)),
    "executor": Role(
        "Executor", "Watches execution against the platform and retries failed actions.",
        (*_READ_CASES, "demands.change_action", "execution.*", NOTE_PERM)),
    "publisher": Role(
        "Publisher", "Prepares and corrects the redacted public copy of restriction demands "
        "and publishes a copy someone else prepared; reads the cases it comes from; decides "
        "nothing.",
        (*_READ_CASES, PUBLISH_PERM, "transparency.view_publication")),
    "auditor": Role(
        "Auditor", "Reads everything, including the audit log and user accounts; changes "
        "nothing.",
        ("*.view_*",)),
    "admin": Role(
        "Administrator", "Every permission: registries, policies, users and roles.",
        ("*.*",)),
}


def sync_roles(using: str = "default") -> dict[str, int]:
    """Create the groups and set their permissions exactly; returns permissions per role."""
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    perms = list(Permission.objects.using(using).select_related("content_type"))
    counts: dict[str, int] = {}
    with transaction.atomic(using=using):
        for name, role in ROLES.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            granted = [p for p in perms if role.grants(p.content_type.app_label, p.codename)]
            group.permissions.set(granted)
            counts[name] = len(granted)
    return counts


def sync_roles_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate fires once per app; sync after the last one, when every permission exists."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not with_models or sender.label != with_models[-1].label:
        return
    sync_roles(using)


def roles_of(user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [name for name in ROLES if name in names]


def grant_role(user: Any, role: str) -> None:
    """Give a staff member a role (a group); roles are staff-only."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    group = Group.objects.filter(name=role).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=role)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
