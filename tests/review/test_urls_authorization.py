"""Every page and API route, for every role: who gets in, who is refused.

Routes are enumerated from the URL resolver, so a route added later is tested too: routes
listed in ``RULES`` get an exact per-role expectation; every other route is held to the
invariants that apply to all of them (anonymous users see nothing that is not public, an
authority officer never reaches a staff console, the auditor changes nothing, and no role
ever gets a server error).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from dueprocess.accounts.models import ApiToken
from dueprocess.accounts.roles import ROLES
from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DemandIn
from dueprocess.demands.models import (
    Authority,
    Document,
    Notice,
    NoticeKind,
    NoticeStatus,
    Requester,
)
from tests.review.conftest import RECEIVED, warrant_body
from tests.review.roles import staff_member, verified_client

ANON, OFFICER, OTHER_OFFICER = "anonymous", "officer", "other_officer"
PEOPLE = (ANON, OFFICER, OTHER_OFFICER, *ROLES)
STAFF = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
DECIDERS = frozenset({"legal_reviewer", "legal_lead", "admin"})
APPROVERS = frozenset({"approver", "admin"})
HR = frozenset({"human_rights_reviewer", "admin"})
PUBLISHERS = frozenset(r for r, role in ROLES.items()
                       if role.grants("transparency", "review_publication") and r != "auditor")
EVERYONE = frozenset(PEOPLE) - {ANON}
AUDITORS = frozenset(r for r, role in ROLES.items() if role.grants("audit", "view_auditevent"))
NOTERS = frozenset(r for r, role in ROLES.items() if role.grants("review", "add_note"))

LOGIN_PATHS = ("/login/", "/admin/login/", "/portal/login/", "/account/two-factor/")
# Reachable without signing in: sign-in pages, the API's own description, public keys, the
# load balancer's probes and the metrics (kept from strangers by the proxy or a token).
PUBLIC = {"login", "logout", "portal:login", "portal:logout", "portal:invitation",
          "accounts:language",
          "api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root",
          "productions:public_key", "healthz", "readyz", "metrics",
          ""}  # "": the root, a redirect to the console
PUBLIC_NAMESPACES = {"transparency", "public"}
# Signing in and out, and the API's description: posting there changes no case data.
AUTH_ROUTES = {"login", "logout", "accounts:two_factor_verify", "accounts:two_factor_setup",
               "portal:login", "portal:logout", "", "api-v1:openapi-json", "accounts:language",
               "api-v1:openapi-view", "api-v1:api-root", "productions:public_key"}
# Without an exact rule only the invariants apply, so only the people they concern are
# sent (plus the admin, whose every permission reaches the deepest code paths).
INVARIANT_PEOPLE = (ANON, OFFICER, "auditor", "admin")
STAFF_NAMESPACES = {"review", "execution", "intake", "admin"}


@dataclass(frozen=True)
class Rule:
    get: frozenset[str] = NOBODY
    post: frozenset[str] = NOBODY
    body: str = ""  # key of a valid request body, so that refusals are not validation errors


RULES: dict[str, Rule] = {
    "review:queue": Rule(get=STAFF),
    "review:search": Rule(get=STAFF),
    "review:calendar": Rule(get=STAFF),
    "review:demand": Rule(get=STAFF),
    "review:targets": Rule(get=STAFF),
    "review:document": Rule(get=STAFF),
    "review:original_email": Rule(get=STAFF),
    "review:productions": Rule(get=STAFF),
    "review:decide": Rule(post=DECIDERS),
    "review:claim": Rule(post=DECIDERS),
    "review:assign": Rule(post=DECIDERS),
    "review:clarify": Rule(post=DECIDERS),
    "review:approve": Rule(post=APPROVERS),
    "review:human_rights": Rule(post=HR),
    "review:send_back": Rule(post=APPROVERS, body="send_back"),
    "review:add_note": Rule(post=NOTERS, body="note"),
    "review:bulk_assign": Rule(post=DECIDERS, body="bulk_assign"),
    "review:save_view": Rule(post=STAFF - {"auditor"}, body="saved_view"),
    "review:delete_view": Rule(post=STAFF - {"auditor"}, body="saved_view_id"),
    "review:letter_edit": Rule(post=DECIDERS),
    "review:letter_approve": Rule(post=APPROVERS),
    "review:letter_send": Rule(post=DECIDERS | APPROVERS),
    "review:publications": Rule(get=STAFF),
    "review:publication": Rule(get=STAFF),
    "review:publication_prepare": Rule(post=PUBLISHERS),
    "review:publication_edit": Rule(post=PUBLISHERS, body="publication_text"),
    "review:publication_publish": Rule(post=PUBLISHERS),
    "review:publication_withdraw": Rule(post=PUBLISHERS, body="publication_text"),
    "review:audit": Rule(get=AUDITORS),
    "review:audit_verify": Rule(get=AUDITORS),
    "review:audit_checkpoints": Rule(get=AUDITORS),
    "review:audit_checkpoint_download": Rule(get=AUDITORS),
    "review:audit_history": Rule(get=AUDITORS),
    "review:audit_export": Rule(get=AUDITORS),
    "review:tokens": Rule(get=STAFF),
    # The officer's token: only the administrator sees everyone's and revokes them.
    "review:revoke_token": Rule(get=frozenset({"admin"}), post=frozenset({"admin"})),
    "accounts:two_factor_verify": Rule(get=STAFF, post=STAFF),
    "accounts:two_factor_setup": Rule(get=STAFF, post=STAFF),
    # Anyone may choose the interface language (a visitor gets a cookie); it reads nothing.
    "accounts:language": Rule(post=frozenset(PEOPLE)),
    "api-v1:list_demands": Rule(get=EVERYONE),
    "api-v1:create_demand": Rule(get=EVERYONE, post=frozenset({"intake", "admin", OFFICER}),
                                 body="demand"),
    "api-v1:get_demand": Rule(get=STAFF | {OFFICER}),
    "api-v1:decide": Rule(post=DECIDERS, body="decisions"),
    "api-v1:approve": Rule(post=APPROVERS),
    "api-v1:send_back": Rule(post=APPROVERS, body="send_back"),
    "api-v1:add_note": Rule(get=STAFF, post=NOTERS, body="note"),
    "api-v1:withdraw": Rule(post=frozenset({"intake", "admin", OFFICER})),
    "api-v1:list_authorities": Rule(get=EVERYONE),
    "api-v1:create_authority": Rule(get=EVERYONE, post=frozenset({"intake", "admin"}),
                                    body="authority"),
    "api-v1:list_instruments": Rule(get=EVERYONE),
    "api-v1:list_letters": Rule(get=STAFF | {OFFICER}),
    "api-v1:approve_letter": Rule(post=APPROVERS),
    "api-v1:send_letter": Rule(post=DECIDERS | APPROVERS),
}


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            yield prefix + str(p.pattern), name


def routes() -> list[tuple[str, str]]:
    """(pattern, name) of every route outside the admin (tested per model below)."""
    seen: dict[str, str] = {}
    for pattern, name in _walk(get_resolver().url_patterns):
        if pattern.startswith(("admin/", "static/")) or pattern.startswith("^"):
            continue
        seen.setdefault(pattern, name)
    return sorted(seen.items(), key=lambda item: item[0])


def names_by_path() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for pattern, name in _walk(get_resolver().url_patterns):
        out.setdefault(pattern, set()).add(name)
    return out


class World:
    """The people and the case every route is tried with; plain values, built once."""

    def __init__(self) -> None:
        fbi = Authority.objects.create(slug="fbi", name="FBI", jurisdiction="US",
                                       kind="agency", domains=["fbi.gov"])
        hk = Authority.objects.create(slug="hkpf", name="HKPF", jurisdiction="HK",
                                      kind="police", domains=["police.gov.hk"])
        demand = receive_demand(DemandIn.model_validate(warrant_body()), authority=fbi,
                                requester=None, user=None, received_at=RECEIVED)
        folder = Path(settings.DUEPROCESS.documents_dir) / str(demand.pk)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "warrant.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        document = Document.objects.create(demand=demand, filename="warrant.pdf",
                                           sha256="0" * 64, size=15,
                                           path=f"{demand.pk}/warrant.pdf")
        from dueprocess.intake.models import InboundEmail

        mail = Path(settings.DUEPROCESS.home) / "email"
        mail.mkdir(parents=True, exist_ok=True)
        (mail / "m1.eml").write_bytes(b"From: agent@fbi.gov\r\nSubject: x\r\n\r\nHello.\r\n")
        InboundEmail.objects.create(demand=demand, sha256="1" * 64, size=50, path="m1.eml",
                                    from_address="agent@fbi.gov", from_domain="fbi.gov")
        people: dict[str, Any] = {ANON: None}
        for role in ROLES:
            people[role] = staff_member(role)
        for key, authority in ((OFFICER, fbi), (OTHER_OFFICER, hk)):
            user = get_user_model().objects.create_user(
                username=f"{key}@{authority.slug}.example",
                email=f"officer@{authority.domains[0]}", password="correct horse battery")
            Requester.objects.create(user=user, authority=authority, verified=True)
            people[key] = user
        from dueprocess.transparency.models import Publication

        publication = Publication.objects.create(
            demand=demand, title="Order", jurisdiction="US", authority_name="FBI",
            instrument="us.ecpa.warrant", received_on=RECEIVED.date(), redacted_text="Text")
        letter = Notice.objects.create(demand=demand, kind=NoticeKind.CLARIFICATION_REQUEST,
                                       recipient="fbi", status=NoticeStatus.DRAFT,
                                       subject="Request for clarification", body="Which?")
        self.values = {"pk": demand.pk, "demand_id": demand.pk, "doc_pk": document.pk,
                       "document_id": document.pk, "doc": document.pk,
                       "pub_id": publication.pk, "notice_id": letter.pk,
                       "letter_id": letter.pk}
        self.cookies = {k: (verified_client(u) if k in ROLES else _plain(u)).cookies
                        for k, u in people.items()}
        self.tokens = {k: (ApiToken.issue(u)[1] if u is not None else None)
                       for k, u in people.items()}
        self.values["token"] = ApiToken.objects.get(user=people[OFFICER]).pk

    def client(self, person: str) -> Client:
        client = Client()
        client.cookies = self.cookies[person]
        return client

    def bodies(self) -> dict[str, Any]:
        return {
            "demand": {**warrant_body(reference="AUTHZ-1"), "authority": "fbi"},
            "decisions": {"decisions": [{"ask": 0, "outcome": "hold",
                                         "reason_codes": ["overbroad"]}]},
            "authority": {"slug": "new-auth", "name": "New", "jurisdiction": "FR",
                          "kind": "police", "domains": [], "phones": []},
            "publication_text": {"text": "Corrected text", "reason": "court asked"},
            "send_back": {"comment": "Check the date range again."},
            "note": {"body": "Called the issuing office; the order is genuine."},
            "bulk_assign": {"demands": [self.values["pk"]], "assignee": "me"},
            "saved_view": {"name": "Emergencies in HK", "query": "jurisdiction=HK&emergency=1"},
            "saved_view_id": {"view": "999999"},
        }

    def path(self, pattern: str) -> str:
        def fill(match: re.Match[str]) -> str:
            kind, name = match.group(1), match.group(2)
            if name in self.values:
                return str(self.values[name])
            return "999999" if kind in ("int", None) else "no-such-thing"

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern)


def _plain(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def classify(response: Any) -> str:
    code = response.status_code
    if code >= 500:
        return "error"
    if code == 401:
        return "login"
    if code in (301, 302, 303) and response["Location"].split("?")[0].startswith(LOGIN_PATHS):
        return "login"
    if code == 403:
        return "denied"
    if code == 404:
        return "missing"
    if code == 405:
        return "method"
    if 200 <= code < 400:
        return "ok"
    return "rejected"  # passed the door, refused the input (400, 409, 415, 422, 429)


ALLOWED = ("ok", "rejected")


def request(world: World, person: str, method: str, path: str, body: Any) -> Any:
    import json

    if path.startswith("/api/"):
        client = Client()
        token = world.tokens[person]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method == "get":
            return client.get(path, headers=headers)
        return client.post(path, json.dumps(body if body is not None else {}),
                           content_type="application/json", headers=headers)
    client = world.client(person)
    return client.get(path) if method == "get" else client.post(path, body or {})


def _close_file(response: Any) -> None:
    """A file response holds its file open until its content is read to the end (the test
    client then closes it without ending the test's database connection)."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def outcome_of(world: World, person: str, method: str, path: str, body: Any) -> tuple[int, str]:
    response = request(world, person, method, path, body)
    _close_file(response)
    return response.status_code, classify(response)


def _expect(name: str, method: str, person: str) -> str | None:
    """'allowed', 'refused' or None (no exact rule: only the invariants apply)."""
    rule = RULES.get(name)
    if rule is None:
        return None
    allowed = rule.get if method == "get" else rule.post
    return "allowed" if person in allowed else "refused"


def _invariant_failures(name: str, method: str, person: str, outcome: str) -> list[str]:
    ns = name.split(":")[0] if ":" in name else ""
    public = name in PUBLIC or ns in PUBLIC_NAMESPACES
    out = []
    if outcome == "error":
        out.append("server error")
    if person == ANON and not public and outcome in ALLOWED:
        out.append("anonymous got in")
    if person in (OFFICER, OTHER_OFFICER) and ns in STAFF_NAMESPACES and outcome in ALLOWED:
        out.append("an authority officer reached a staff page")
    if person == "auditor" and method == "post" and name not in AUTH_ROUTES \
            and outcome == "ok":
        out.append("the auditor changed something")
    return out


ROUTES = routes()
ADMIN_MODELS = sorted(f"{m._meta.app_label}.{m._meta.model_name}"
                      for m in admin.site._registry)


def check_route(world: World, pattern: str, name: str) -> list[str]:
    names = names_by_path().get(pattern, {name})
    bodies = world.bodies()
    failures: list[str] = []
    for method in ("get", "post"):
        # Where one path carries several named operations, the rule of the one serving
        # this method applies (the API's list and create share a path).
        rule_name = next((n for n in sorted(names) if n in RULES
                          and (RULES[n].get if method == "get" else RULES[n].post)), name)
        rule = RULES.get(rule_name)
        allowed = (rule.get if method == "get" else rule.post) if rule else NOBODY
        body = bodies.get(rule.body) if rule and rule.body and method == "post" else None
        # Everyone where somebody is allowed; else the people the invariants concern.
        people = PEOPLE if allowed else (ANON,) if rule_name in PUBLIC else INVARIANT_PEOPLE
        for person in people:
            status, outcome = outcome_of(world, person, method, world.path(pattern), body)
            expected = _expect(rule_name, method, person)
            problems = _invariant_failures(rule_name, method, person, outcome)
            if expected == "allowed" and outcome not in ALLOWED:
                problems.append("should be allowed")
            if expected == "refused" and outcome in ALLOWED:
                problems.append("should be refused")
            if problems:
                failures.append(f"{method.upper()} {person}: {status} ({outcome}): "
                                + ", ".join(problems))
    return failures


def check_admin(world: World, model: str) -> list[str]:
    """A role sees a registry in the admin exactly when it may view it; the auditor adds nothing."""
    app, name = model.split(".")
    failures = []
    for person in PEOPLE:
        response = world.client(person).get(f"/admin/{app}/{name}/")
        _close_file(response)
        outcome = classify(response)
        role = ROLES.get(person)
        may_view = role is not None and (role.grants(app, f"view_{name}")
                                         or role.grants(app, f"change_{name}"))
        if outcome == "error" or (may_view != (outcome == "ok")):
            failures.append(f"{person}: changelist {response.status_code}")
    added = world.client("auditor").get(f"/admin/{app}/{name}/add/")
    if classify(added) in ALLOWED:
        failures.append(f"auditor: add page {added.status_code}")
    return failures


class RouteMatrix(TestCase):
    """One test per route (and per admin registry); the world is built once per class and
    each test runs in its own savepoint, so no step of one route leaks into another."""

    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_") or "root"


def _route_test(pattern: str, name: str) -> Any:
    def test(self: RouteMatrix) -> None:
        failures = check_route(self.world, pattern, name)
        assert not failures, f"{pattern} [{name}]\n" + "\n".join(failures)

    return test


def _admin_test(model: str) -> Any:
    def test(self: RouteMatrix) -> None:
        failures = check_admin(self.world, model)
        assert not failures, model + "\n" + "\n".join(failures)

    return test


for _pattern, _name in ROUTES:
    setattr(RouteMatrix, f"test_route_{_slug(_name or _pattern)}", _route_test(_pattern, _name))
for _model in ADMIN_MODELS:
    setattr(RouteMatrix, f"test_admin_{_slug(_model)}", _admin_test(_model))


def test_every_console_route_has_an_exact_rule() -> None:
    """The console's own routes never fall back to the invariants alone."""
    missing = [n for _, n in ROUTES if n.startswith(("review:", "accounts:")) and n not in RULES]
    assert not missing
