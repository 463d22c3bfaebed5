"""The pages every role lives in, signed in as that role, for checks that walk them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from dueprocess.accounts.actions import issue_token
from dueprocess.demands.actions import receive_demand, record_decisions
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand, Requester
from tests.review.roles import staff_member, verified_client


@dataclass(frozen=True)
class Walk:
    """Paths to walk, each with the session cookie of the person who opens it ('' = nobody)."""

    pages: list[tuple[str, str, str]]  # (name, path, session id)


def _session(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def walk(fbi: Authority, make_user: Callable[..., Any]) -> Walk:
    body = {
        "instrument": "us.ecpa.warrant", "reference": "2:21-mj-00777",
        "issued_by": {"name": "Hon. Jane Doe", "role": "judge"},
        "legal_basis": "18 U.S.C. 2703(a)", "statement_of_reasons": "Probable cause: fraud",
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"],
                  "date_from": "2020-01-01", "date_to": "2020-06-30"}],
        "targets": [{"type": "account", "id": "cs_suspect_42"}],
    }
    demand = receive_demand(DemandIn.model_validate(body), authority=fbi, requester=None,
                            user=None, received_at=datetime(2020, 10, 5, 14, tzinfo=UTC))
    demand = Demand.objects.get(pk=demand.pk)
    reviewer_user = staff_member("legal_reviewer", "reviewer@platform.example")
    reviewer = verified_client(reviewer_user)
    # a second demand decided and executing: the target table shows each row's execution
    executing = receive_demand(DemandIn.model_validate({
        **body, "reference": "2:21-mj-00778",
        "targets": [{"type": "account", "id": f"acct_{i}"} for i in range(3)]}),
        authority=fbi, requester=None, user=None,
        received_at=datetime(2020, 10, 6, 14, tzinfo=UTC))
    # (its actions are queued for a worker that never starts here)
    record_decisions(Demand.objects.get(pk=executing.pk), DecisionsIn.model_validate(
        {"decisions": [{"ask": 0, "outcome": "comply", "reason_codes": ["valid_legal_process"]},
                       {"ask": 0, "target": "acct_2", "outcome": "reject",
                        "reason_codes": ["no_data"]}]}), user=reviewer_user)
    token, _ = issue_token(reviewer_user, name="case export script", scopes=["read"])
    rights = verified_client(staff_member("human_rights_reviewer", "rights@platform.example"))
    intake_desk = verified_client(staff_member("intake", "intake@platform.example"))
    auditor = _session(verified_client(staff_member("auditor", "auditor@platform.example")))
    officer_user = make_user("agent@fbi.gov")
    Requester.objects.create(authority=fbi, user=officer_user, title="Special Agent",
                             verified=True)
    officer = verified_client(officer_user)
    staff, cop, hr = _session(reviewer), _session(officer), _session(rights)
    intake = _session(intake_desk)
    return Walk(pages=[
        ("login", "/login/", ""),
        ("queue", "/review/", staff),
        ("queue, sorted by deadline, emergencies", "/review/?emergency=1&sort=deadline", staff),
        ("demand", f"/review/demands/{demand.pk}/", staff),
        ("demand, human-rights review", f"/review/demands/{demand.pk}/", hr),
        ("demand, executing", f"/review/demands/{executing.pk}/?events=execution", staff),
        ("execution", "/execution/", staff),
        ("API tokens", "/review/tokens/", staff),
        ("revoke a token", f"/review/tokens/{token.pk}/revoke/", staff),
        ("portal home", "/portal/", cop),
        ("portal submit", "/portal/demands/new/", cop),
        ("portal submit form", "/portal/demands/new/?instrument=us.ecpa.warrant", cop),
        ("portal demand", f"/portal/demands/{demand.pk}/", cop),
        ("portal withdraw", f"/portal/demands/{demand.pk}/withdraw/", cop),
        ("portal verify", "/portal/verify/", cop),
        ("search", "/review/search/?q=cs_suspect", staff),
        ("deadlines", "/review/deadlines/", staff),
        ("publications", "/review/publications/", staff),
        ("sanctions lists", "/sanctions/lists/", staff),
        ("intake", "/intake/", intake),
        ("two-factor setup", "/account/two-factor/setup/", staff),
        ("portal account", "/portal/account/", cop),
        ("portal productions", "/productions/", cop),
        ("transparency", "/transparency/", ""),
        ("published demands", "/transparency/published/", ""),
        ("audit chain", f"/review/audit/?demand={demand.pk}", auditor),
        ("audit checkpoints", "/review/audit/checkpoints/", auditor),
        ("audit history", f"/review/audit/demands/{demand.pk}/", auditor),
        ("transparency 2020-H2", "/transparency/?period=2020-H2", ""),
        ("not found", "/review/no-such-page/", staff),
    ])


def open_as(page: Any, base: str, path: str, session: str) -> None:
    """Open ``path`` in the browser with the given session (or none)."""
    page.context.clear_cookies()
    if session:
        page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                                   "value": session, "url": base}])
    response = page.goto(f"{base}{path}")
    assert response is not None
    expected = 404 if "no-such-page" in path else 200
    assert response.status == expected, (path, response.status)
