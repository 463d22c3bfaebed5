"""Shared fixtures: authorities, people, tokens and a JSON API client."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from dueprocess.accounts.models import ApiToken
from dueprocess.demands.models import Authority, Requester


@pytest.fixture
def hk_police(db: Any) -> Authority:
    return Authority.objects.create(
        slug="hkpf-nsd", name="Hong Kong Police Force, National Security Department",
        jurisdiction="HK", kind="police", domains=["police.gov.hk"], phones=["+852 2860 2000"])


@pytest.fixture
def fbi(db: Any) -> Authority:
    return Authority.objects.create(slug="fbi", name="Federal Bureau of Investigation",
                                    jurisdiction="US", kind="agency", domains=["fbi.gov"])


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(email: str, *, staff: bool = False, superuser: bool = False,
             perms: tuple[str, ...] = ()) -> Any:
        user = get_user_model().objects.create_user(
            username=email, email=email, password="correct horse battery staple",
            is_staff=staff or superuser, is_superuser=superuser)
        for perm in perms:
            app, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=codename))
        return user

    return make


REVIEWER_PERMS = ("demands.add_decision", "demands.change_decision", "demands.view_demand",
                  "demands.add_demand")


@pytest.fixture
def reviewer(make_user: Callable[..., Any]) -> Any:
    return make_user("reviewer@platform.example", staff=True, perms=REVIEWER_PERMS)


@pytest.fixture
def approver(make_user: Callable[..., Any]) -> Any:
    return make_user("approver@platform.example", staff=True, perms=REVIEWER_PERMS)


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user("admin@platform.example", superuser=True)


@pytest.fixture
def officer_of(make_user: Callable[..., Any]) -> Callable[[Authority], Any]:
    def make(authority: Authority) -> Any:
        user = make_user(f"officer@{authority.slug}.example")
        Requester.objects.create(authority=authority, user=user, verified=True)
        return user

    return make


class ApiClient:
    """A JSON client that carries a bearer token, as an integration would."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path: str, body: Any = None, *, raw: bytes | str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body, default=_default)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json",
                                headers=self._headers())

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api/v1{path}", json.dumps(body, default=_default),
                               content_type="application/json", headers=self._headers())


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value))


@pytest.fixture
def api_as() -> Callable[[Any], ApiClient]:
    def make(user: Any) -> ApiClient:
        if user is None:
            return ApiClient(None)
        _, raw = ApiToken.issue(user)
        return ApiClient(raw)

    return make


def sch4_disclose(received_at: str, **extra: Any) -> dict[str, Any]:
    """The July 2020 identification request under NSL Art. 43 Schedule 4."""
    body: dict[str, Any] = {
        "reference": f"NSD-{received_at[:10]}-001",
        "instrument": "hk.nsl43.sch4",
        "authority": "hkpf-nsd",
        "issued_by": {"name": "LI Kwai-wah", "title": "Senior Superintendent",
                      "role": "police_senior"},
        "legal_basis": "Implementation Rules for Article 43, Schedule 4",
        "statement_of_reasons": "Suspected incitement to secession",
        "offences": ["hk.nsl.art20"],
        "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
        "targets": [{"type": "account", "id": "standwithhk"}],
        "received_at": received_at,
    }
    body.update(extra)
    return body


def us_warrant(received_at: str = "2020-10-05T14:00:00Z", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "2:20-mj-00417",
        "instrument": "us.ecpa.warrant",
        "authority": "fbi",
        "issued_by": {"name": "Hon. Jane Doe", "title": "U.S. Magistrate Judge",
                      "role": "judge"},
        "legal_basis": "18 U.S.C. 2703(a), (b)(1)(A) and (c)(1)(A)",
        "statement_of_reasons": "Probable cause: distribution of child sexual abuse material",
        "offences": ["us.18usc2252"],
        "asks": [{"kind": "disclose", "data_categories": ["subscriber", "content"],
                  "date_from": "2020-01-01", "date_to": "2020-09-30"}],
        "targets": [{"type": "account", "id": "cs_suspect_42"}],
        "received_at": received_at,
    }
    body.update(extra)
    return body


def pytest_configure(config: Any) -> None:
    from hypothesis import settings as hypothesis_settings

    # Same examples on every run, and no flaky deadlines on a loaded CI machine.
    hypothesis_settings.register_profile("dueprocess", deadline=None, derandomize=True,
                                         max_examples=100)
    hypothesis_settings.load_profile("dueprocess")
