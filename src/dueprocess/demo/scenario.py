"""The demo world: Hong Kong, July 2020, and the ordinary work around it.

Loading is idempotent: authorities, policies, users and demands are looked up by their
natural keys first, so `dueprocess demo` can run any number of times on the same home.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import transaction

from dueprocess.accounts.models import ApiToken
from dueprocess.accounts.roles import grant_role
from dueprocess.demands import actions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand, Policy, Requester
from dueprocess.demo import platform
from dueprocess.review.actions import record_human_rights_review
from dueprocess.review.gates import human_rights_triggers
from dueprocess.sanctions.actions import BUNDLED_OFAC, import_list
from dueprocess.transparency.models import Publication
from dueprocess.transparency.publications import prepare_publication

DOMAIN = "demo.dueprocess.example"

AUTHORITIES: list[dict[str, Any]] = [
    {"slug": "hkpf-nsd", "name": "Hong Kong Police Force, National Security Department",
     "jurisdiction": "HK", "kind": "police", "domains": ["police.gov.hk"],
     "phones": ["+852 2860 2000"]},
    {"slug": "fbi", "name": "Federal Bureau of Investigation", "jurisdiction": "US",
     "kind": "agency", "domains": ["fbi.gov", "ic.fbi.gov"], "phones": ["+1 202 324 3000"]},
    {"slug": "de-bka", "name": "Bundeskriminalamt (Zentrale Meldestelle für strafbare "
     "Inhalte im Internet)", "jurisdiction": "DE", "kind": "police",
     "domains": ["bka.bund.de"], "phones": ["+49 611 550"]},
    {"slug": "fr-parquet-paris", "name": "Parquet de Paris", "jurisdiction": "FR",
     "kind": "prosecutor", "domains": ["justice.fr"], "phones": ["+33 1 44 32 51 51"]},
    {"slug": "br-tjsp", "name": "Tribunal de Justiça de São Paulo", "jurisdiction": "BR",
     "kind": "court", "domains": ["tjsp.jus.br"], "phones": ["+55 11 2171 6000"]},
]

POLICIES: list[dict[str, Any]] = [
    {"name": "Pause Hong Kong data requests pending human-rights review", "effect": "pause",
     "jurisdiction": "HK", "ask_kinds": ["disclose"], "valid_from": "2020-07-06"},
    {"name": "Hong Kong data requests go through the US-HK MLAT", "effect": "route_mlat",
     "jurisdiction": "HK", "ask_kinds": ["disclose"], "valid_from": "2020-08-13"},
    {"name": "Hong Kong decisions need a second approver", "effect": "four_eyes",
     "jurisdiction": "HK", "valid_from": "2020-07-06"},
]

ROLES = {
    "admin": "Administrator (all rights)",
    "reviewer": "Legal reviewer",
    "approver": "Second approver",
    "hr-reviewer": "Human-rights reviewer",
    "lead": "Legal lead (may record overrides)",
    "counsel": "Sanctions counsel (signs off confirmed hits)",
    "auditor": "Auditor (reads everything, changes nothing)",
    "publisher": "Publisher (publishes redacted demands another person prepared)",
}
# Demo login name -> staff role (dueprocess.accounts.roles).
DEMO_ROLES = {"admin": "admin", "reviewer": "legal_reviewer", "approver": "approver",
              "hr-reviewer": "human_rights_reviewer", "lead": "legal_lead",
              "counsel": "sanctions_counsel", "auditor": "auditor",
              "publisher": "publisher"}
REVIEW_PERMS = ("add_decision", "change_decision", "view_demand")
# The restriction demand whose redacted copy waits, prepared by admin@, for the publisher.
DRAFT_PUBLICATION = "NSD-2020-0820-003"


@dataclass
class DemoSummary:
    loaded_now: bool
    credentials: dict[str, Any]
    demands: int
    statuses: dict[str, int] = field(default_factory=dict)

    def describe(self, *, host: str, port: int) -> str:
        lines = [
            "dueprocess demo is ready." if not self.loaded_now
            else "dueprocess demo loaded.",
            f"  home:      {settings.DUEPROCESS.home}",
            f"  demands:   {self.demands} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())) + ")",
            f"  console:   http://{host}:{port}/review/",
            f"  admin:     http://{host}:{port}/admin/",
            f"  API:       http://{host}:{port}/api/v1/docs",
            f"  portal:    http://{host}:{port}/portal/  (authorities: the officer@ logins)",
            f"  execution: http://{host}:{port}/execution/  (holds, waiting disclosures, "
            f"notices; as admin@)",
            f"  downloads: http://{host}:{port}/productions/  (disclosed data, as officer@fbi)",
            f"  2FA:       optional in the demo (mandatory in production): "
            f"http://{host}:{port}/account/two-factor/setup/",
            "  log in with:",
        ]
        for user in self.credentials["users"]:
            lines.append(f"    {user['email']:<36} {user['password']}   ({user['role']})")
        lines.append(f"  API token ({self.credentials['token_user']}): "
                     f"{self.credentials['token']}")
        return "\n".join(lines)


def _credentials() -> dict[str, Any]:
    """Passwords are random per home and kept beside the data, readable by its owner only."""
    path = settings.DUEPROCESS.home / "demo-credentials.json"
    if path.exists():
        loaded: dict[str, Any] = json.loads(path.read_text())
        known = {u["email"] for u in loaded["users"]}
        missing = [{"email": f"{r}@{DOMAIN}", "password": secrets.token_urlsafe(12),
                    "role": label} for r, label in ROLES.items() if f"{r}@{DOMAIN}" not in known]
        if missing:  # a home made before these demo roles existed
            loaded["users"] = missing + loaded["users"]
            _save_credentials(loaded)
        return loaded
    creds = {
        "users": [{"email": f"{role}@{DOMAIN}", "password": secrets.token_urlsafe(12),
                   "role": label} for role, label in ROLES.items()]
        + [{"email": f"officer@{a}.{DOMAIN}", "password": secrets.token_urlsafe(12),
            "role": f"officer of {a}"} for a in ("hkpf-nsd", "fbi")],
        "token_user": f"reviewer@{DOMAIN}",
        "token": "",
    }
    path.write_text(json.dumps(creds, indent=2))
    path.chmod(0o600)
    return creds


def _save_credentials(creds: dict[str, Any]) -> None:
    path = settings.DUEPROCESS.home / "demo-credentials.json"
    path.write_text(json.dumps(creds, indent=2))
    path.chmod(0o600)


def _users(creds: dict[str, Any]) -> dict[str, Any]:
    User = get_user_model()
    perms = list(Permission.objects.filter(content_type__app_label="demands",
                                           codename__in=REVIEW_PERMS))
    out: dict[str, Any] = {}
    for entry in creds["users"]:
        email = entry["email"]
        name = email.split("@")[0]
        user = User.objects.filter(username=email).first()
        if user is None:
            user = User.objects.create_user(username=email, email=email,
                                            password=entry["password"])
        if name == "admin":
            user.is_staff = user.is_superuser = True
        elif name in ("reviewer", "approver"):
            user.is_staff = True
            user.save()
            user.user_permissions.remove(*perms)  # the role (group) grants what they need
        user.save()
        if name in DEMO_ROLES:
            grant_role(user, DEMO_ROLES[name])
        if name == "officer":
            slug = email.split("@")[1].split(".")[0]
            Requester.objects.get_or_create(
                user=user, defaults={"authority": Authority.objects.get(slug=slug),
                                     "title": "Investigating officer", "verified": True})
        out[name if name != "officer" else email] = user
    if not creds["token"]:
        _, raw = ApiToken.issue(out["reviewer"], name="demo")
        creds["token"] = raw
        _save_credentials(creds)
    return out


# Demands that came by e-mail: the forged emergency from a look-alike of fbi.gov.
SENDERS = {"FBI-EDR-2020-1102": ("email", "m.hill@fbi-gov.us")}


def _iso(d: datetime) -> str:
    return d.isoformat()


def _nsd(reference: str, received_at: str, **fields: Any) -> dict[str, Any]:
    """A Schedule 4 demand from the Hong Kong police's national security department; by
    default the identification request of July and September 2020."""
    body: dict[str, Any] = {
        "reference": reference, "instrument": "hk.nsl43.sch4", "authority": "hkpf-nsd",
        "received_at": received_at,
        "issued_by": {"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police",
                      "role": "police_senior"},
        "legal_basis": "Implementation Rules for Article 43, Schedule 4, section 5",
        "statement_of_reasons": "Identification of the person operating the account",
        "offences": ["hk.nsl.art20"],
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
        "targets": [{"type": "account", "id": platform.HK_ACTIVIST}],
    }
    body.update(fields)
    return body


def demand_bodies(now: datetime) -> list[dict[str, Any]]:
    """A dozen demands; references are unique so a second load finds them."""
    recent = now - timedelta(days=12)
    return [
        _nsd("NSD-2020-0715-001", "2020-07-15T10:20:00+08:00",
             issued_by={"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police "
                        "(National Security)", "role": "police_senior"},
             officials=[{"name": "TANG Ping-keung", "title": "Commissioner of Police",
                         "role": "police_senior"},
                        {"name": "LEE Ka-chiu, John", "title": "Secretary for Security",
                         "role": "approver"}],
             legal_basis="Implementation Rules for Article 43 of the National Security Law, "
                         "Schedule 4, section 3",
             statement_of_reasons="Messages likely to constitute an offence endangering "
                                  "national security (incitement to secession)",
             offences=["hk.nsl.art21"],
             asks=[{"kind": "restrict_content", "measure": "remove"}],
             targets=[{"type": "content", "url": u} for u in platform.HK_PROTEST_POSTS[:3]],
             language="zh-hant"),
        _nsd("NSD-2020-0720-002", "2020-07-20T09:05:00+08:00", non_disclosure={"until": None}),
        _nsd("NSD-2020-0820-003", "2020-08-20T16:40:00+08:00",
             issued_by={"name": "TANG Ping-keung", "title": "Commissioner of Police",
                        "role": "police_senior"},
             officials=[{"name": "鄧炳強", "title": "警務處處長", "role": "police_senior"}],
             legal_basis="Implementation Rules for Article 43, Schedule 4",
             statement_of_reasons="Account used to organise unlawful assemblies",
             offences=["hk.nsl.art22"],
             asks=[{"kind": "restrict_account", "measure": "terminate"}],
             targets=[{"type": "account", "id": platform.HK_JOURNALIST}]),
        _nsd("NSD-2020-0915-004", "2020-09-15T11:00:00+08:00"),
        {"reference": "2:20-mj-00417", "instrument": "us.ecpa.warrant", "authority": "fbi",
         "received_at": "2020-10-05T14:00:00-04:00",
         "issued_by": {"name": "Hon. Jane Doe", "title": "United States Magistrate Judge",
                       "role": "judge", "email": "chambers@cacd.uscourts.gov"},
         "legal_basis": "18 U.S.C. 2703(a), (b)(1)(A) and (c)(1)(A); Fed. R. Crim. P. 41",
         "statement_of_reasons": "Probable cause that the account was used to distribute "
                                 "child sexual abuse material",
         "offences": ["us.18usc2252"],
         "asks": [{"kind": "disclose", "data_categories": ["subscriber", "content"],
                   "date_from": "2020-01-01", "date_to": "2020-09-30"}],
         "targets": [{"type": "account", "id": platform.US_SUSPECT}],
         "non_disclosure": {"until": "2021-04-05"}},
        {"reference": "FBI-EDR-2020-1102", "instrument": "us.ecpa.emergency",
         "authority": "fbi", "received_at": "2020-11-02T03:12:00Z", "emergency": True,
         "emergency_justification": "Imminent threat to life, respond within the hour",
         "issued_by": {"name": "Special Agent Mark Hill", "role": "police",
                       "email": "m.hill@fbi-gov.us"},
         "asks": [{"kind": "disclose", "data_categories": ["subscriber", "traffic"]}],
         "targets": [{"type": "account", "id": platform.US_PRESERVATION_TARGET}]},
        {"reference": "ZMI-2025-03-0042", "instrument": "eu.dsa.art9", "authority": "de-bka",
         "received_at": "2025-03-11T08:30:00+01:00",
         "issued_by": {"name": "KOK Dr. Anna Berg", "role": "police"},
         "legal_basis": "Art. 9 Regulation (EU) 2022/2065; § 130 StGB",
         "statement_of_reasons": "Incitement to hatred (Volksverhetzung)",
         "redress": "Objection to the Amtsgericht Wiesbaden within one month",
         "asks": [{"kind": "restrict_content", "measure": "withhold",
                   "territorial_scope": ["DE"]}],
         "targets": [{"type": "account", "id": platform.DE_HATE_ACCOUNT}],
         "language": "de"},
        {"reference": "ZMI-2025-05-0107", "instrument": "eu.dsa.art10",
         "authority": "de-bka", "received_at": "2025-05-06T10:00:00+02:00",
         "issued_by": {"name": "KHK Jonas Weber", "role": "police"},
         "legal_basis": "Art. 10 Regulation (EU) 2022/2065; § 100j StPO",
         "statement_of_reasons": "Threats against a local politician (§ 241 StGB)",
         "redress": "Application for judicial review under § 98(2) StPO",
         "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
         "targets": [{"type": "account", "id": platform.DE_HATE_ACCOUNT}],
         "language": "de"},
        {"reference": "PARQUET-EPOC-2026-118", "instrument": "eu.evidence.epoc",
         "authority": "fr-parquet-paris", "received_at": _iso(recent),
         "issued_by": {"name": "Mme Claire Martin", "title": "Procureure de la République "
                       "adjointe", "role": "prosecutor"},
         "legal_basis": "Art. 4(3) Regulation (EU) 2023/1543",
         "statement_of_reasons": "Fraud investigation: connection logs of the account",
         "asks": [{"kind": "disclose", "data_categories": ["traffic"],
                   "date_from": "2026-06-01", "date_to": "2026-09-30"}],
         "targets": [{"type": "account", "id": platform.FR_SUSPECT}],
         "language": "en"},
        {"reference": "FBI-PRES-2026-0833", "instrument": "us.ecpa.preservation",
         "authority": "fbi", "received_at": _iso(now - timedelta(days=84)),
         "issued_by": {"name": "Special Agent Dana Price", "role": "police",
                       "email": "d.price@fbi.gov"},
         "legal_basis": "18 U.S.C. 2703(f)",
         "statement_of_reasons": "Preserve records pending legal process (wire fraud)",
         "asks": [{"kind": "preserve", "days": 90}],
         "targets": [{"type": "account", "id": platform.US_PRESERVATION_TARGET}]},
        {"reference": "TJSP-1023456-78.2024", "instrument": "generic.court_order",
         "authority": "br-tjsp", "received_at": "2024-10-01T15:00:00-03:00",
         "issued_by": {"name": "Juíza Maria Souza", "role": "judge"},
         "legal_basis": "Marco Civil da Internet, art. 19",
         "statement_of_reasons": "Disinformation about the integrity of the electronic "
                                 "voting system",
         "asks": [{"kind": "restrict_content", "measure": "withhold",
                   "territorial_scope": ["BR"]}],
         "targets": [{"type": "content", "url": platform.BR_DISINFORMATION_POST}],
         "language": "en"},
        {"reference": "GJ-2020-0611-SUB", "instrument": "us.ecpa.subpoena",
         "authority": "fbi", "received_at": "2020-08-03T12:00:00Z",
         "issued_by": {"name": "AUSA Peter Lane", "role": "prosecutor"},
         "legal_basis": "Grand jury subpoena, 18 U.S.C. 2703(c)(2)",
         "asks": [{"kind": "disclose", "data_categories": ["subscriber", "content"]}],
         "targets": [{"type": "account", "id": platform.US_PRESERVATION_TARGET}]},
    ]


def _decide(demand: Demand, user: Any, outcome: str, rationale: str,
            reasons: list[str]) -> Demand:

    if outcome in ("comply", "comply_partially") and human_rights_triggers(demand):
        record_human_rights_review(demand, {  # the gate asks for one before complying
            "legality": "met", "necessity": "met", "proportionality": "met",
            "conclusion": "proceed", "rationale": rationale}, user=user)
    return actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": a.position, "outcome": outcome, "rationale": rationale, "reason_codes": reasons}
        for a in demand.asks.all()]}), user=user)


def _draft_publication(preparer: Any) -> None:
    """A draft for the publisher to review: whoever prepared a copy never publishes it."""
    demand = Demand.objects.filter(reference=DRAFT_PUBLICATION).first()
    if demand is not None and not Publication.objects.filter(demand=demand).exists():
        prepare_publication(demand, user=preparer)


def load_scenario(progress: Callable[[str], None] = lambda _m: None) -> DemoSummary:
    creds = _credentials()
    progress("demo platform: accounts, posts, logins")
    platform.seed_platform()
    with transaction.atomic():
        for a in AUTHORITIES:
            Authority.objects.get_or_create(slug=a["slug"], defaults=a)
        for p in POLICIES:
            Policy.objects.get_or_create(name=p["name"], defaults=p)
    users = _users(creds)
    progress("sanctions list: OFAC SDN (bundled copy; a no-op when already in force)")

    import_list(BUNDLED_OFAC)  # before the demands, so intake screens their officials
    now = datetime.now(UTC)
    loaded_now = False
    for body in demand_bodies(now):
        if Demand.objects.filter(reference=body["reference"]).exists():
            continue
        loaded_now = True
        data = DemandIn.model_validate(body)
        authority = Authority.objects.get(slug=body["authority"])
        progress(f"demand {data.reference} ({data.instrument})")
        channel, sender = SENDERS.get(data.reference, ("import", ""))
        if data.acknowledged_at is None and data.received_at is not None:
            # the desk answered within hours, the emergency line within minutes
            delay = timedelta(minutes=25) if data.emergency else timedelta(hours=3)
            data = data.model_copy(update={
                "acknowledged_at": min(data.received_at + delay, now)})
        actions.receive_demand(data, authority=authority, requester=None, user=None,
                               received_at=data.received_at, channel=channel,
                               sender_email=sender)
    if loaded_now:
        reviewer = users["reviewer"]
        warrant = Demand.objects.get(reference="2:20-mj-00417")
        if warrant.status == "in_review":
            _decide(warrant, reviewer, "comply",
                    "Valid federal search warrant signed by a magistrate judge; CSAM case.",
                    ["valid_legal_process"])
        preservation = Demand.objects.get(reference="FBI-PRES-2026-0833")
        if preservation.status == "in_review":
            _decide(preservation, reviewer, "comply", "Valid 2703(f) letter.",
                    ["valid_legal_process"])
        progress("executing approved demands")
        call_command("db_worker", batch=True, verbosity=0)
    _draft_publication(users["admin"])
    statuses: dict[str, int] = {}
    for status in Demand.objects.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    return DemoSummary(loaded_now=loaded_now, credentials=creds,
                       demands=sum(statuses.values()), statuses=statuses)
