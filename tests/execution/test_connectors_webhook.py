"""The webhook connector against the reference receiver, both real HTTP servers on
127.0.0.1, and a proxy between them that times out, fails and lies."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dueprocess.connectors import get_connector
from dueprocess.connectors.base import ConnectorError, PermanentConnectorError
from dueprocess.demands.models import Authority, Notice
from dueprocess.execution import productions
from dueprocess.execution.connectors.signing import (
    SignatureError,
    canonical_json,
    sign,
    verify,
)
from dueprocess.execution.connectors.webhook import WebhookConnector
from dueprocess.execution.models import DeadLetter, Production, WebhookCall
from dueprocess.execution.receiver import Store
from tests.execution.support import comply, court_order_body, receive, run_worker
from tests.execution.webhook_support import SECRET, Faults, proxy, receiver, store_with

WEBHOOK = "dueprocess.execution.connectors.webhook.WebhookConnector"


def _connector(url: str, **kwargs: Any) -> WebhookConnector:
    return WebhookConnector(url, SECRET, timeout=kwargs.pop("timeout", 5), backoff=0.01,
                            **kwargs)


# --------------------------------------------------------------------------- signatures


def test_signatures_bind_secret_body_and_time() -> None:
    body = canonical_json({"a": 1})
    headers = sign(SECRET, body, now=1_000_000)
    verify(SECRET, headers, body, now=1_000_100)
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, headers, body + b" ", now=1_000_100)
    with pytest.raises(SignatureError, match="does not match"):
        verify("another-secret-of-enough-length-0123456789", headers, body, now=1_000_100)
    with pytest.raises(SignatureError, match="too old"):
        verify(SECRET, headers, body, now=1_000_000 + 301)
    with pytest.raises(SignatureError, match="not signed"):
        verify(SECRET, {}, body)
    # During a rotation the sender signs with both secrets and either is accepted.
    both = sign([SECRET, "the-next-secret-0123456789-abcdefghij"], body, now=5)
    verify("the-next-secret-0123456789-abcdefghij", both, body, now=5)
    verify(SECRET, both, body, now=5)


def test_the_receiver_refuses_unsigned_or_forged_requests() -> None:
    with receiver() as (url, store):
        body = canonical_json({"protocol": "dueprocess-connector/1", "operation":
                               "restrict_account", "idempotency_key": "k",
                               "params": {"account": "alice", "measure": "suspend"}})
        for headers in ({}, sign("a-wrong-secret-but-long-enough-0123456789", body),
                        sign(SECRET, body, now=time.time() - 3600)):
            request = urllib.request.Request(url, data=body, method="POST", headers=headers)
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5)
            assert caught.value.code == 401
            caught.value.close()
        assert store.data["accounts"]["1001"]["status"] == "active"
        assert not store.data["operations"]


# --------------------------------------------------------------------------- operations


@pytest.mark.django_db
def test_every_operation_works_against_the_reference_receiver(settings: Any,
                                                              tmp_path: Path) -> None:
    settings.DUEPROCESS = dataclasses.replace(settings.DUEPROCESS, home=tmp_path)
    with receiver() as (url, store):
        c = _connector(url)
        info = c.lookup("account", "@alice")
        assert (info.exists, info.account, info.country, info.language) == (
            True, "alice", "DE", "de")
        assert c.lookup("content", "https://platform.example/alice/posts/1").created == \
            "2020-07-01"
        assert not c.lookup("account", "nobody").exists

        hold = c.preserve("alice", 90, key="p-1")
        assert hold["account"] == "alice"
        saved = store.data["accounts"]["1001"]["posts"]
        store.data["accounts"]["1001"]["posts"] = []  # the user deletes their post
        extended = c.extend_preservation(hold["hold"], date(2099, 1, 1), key="p-1-x")
        assert extended["until"] == "2099-01-01"

        export = c.export("alice", ("subscriber", "content"), None, None, key="e-1",
                          holds=(hold["hold"],))
        try:
            assert export.names() == ["posts.csv", "posts.json", "subscriber.csv",
                                      "subscriber.json"]
            posts = json.loads(export.read("posts.json"))
            assert [p["text"] for p in posts] == ["Hello"]  # preserved, though deleted
            assert export.source == {"holds": [hold["hold"]]}
        finally:
            export.cleanup()
        assert not list((tmp_path / "spool").iterdir())

        assert c.release_preservation(hold["hold"], key="p-1-r")["released"]
        store.data["accounts"]["1001"]["posts"] = saved
        withheld = c.restrict_content("5001", "withhold", ("de",), key="w-1")
        assert withheld["withheld_in"] == ["DE"] and withheld["account"] == "alice"
        assert c.restrict_account("bob", "suspend", key="s-1")["status"] == "suspended"
        sent = c.notify_user("bob", "Subject", "Body", key="n-1", language="en")
        assert sent["account"] == "bob"
        assert store.data["messages"][-1]["subject"] == "Subject"
        with pytest.raises(ConnectorError, match="not_found"):
            c.restrict_account("nobody", "suspend", key="s-2")


def test_bulk_lookups_go_in_batches_or_one_by_one_if_the_platform_cannot() -> None:
    faults = Faults()
    with receiver() as (upstream, _store), proxy(upstream, faults) as url:
        c = _connector(url)
        found = c.lookup_many("account", ["alice", "nobody", "@bob"])
        assert [(t.exists, t.account) for t in found] == [
            (True, "alice"), (False, ""), (True, "bob")]
        assert faults.seen == [""]  # one call for the batch
        faults.plan.append("unsupported")
        again = c.lookup_many("account", ["alice", "nobody", "@bob"])
        assert again == found
        assert len(faults.seen) == 5  # refused, then three single lookups


@pytest.mark.django_db
def test_a_repeated_key_acts_once() -> None:
    with receiver() as (url, store):
        c = _connector(url)
        first = c.restrict_account("alice", "suspend", key="k-1")
        store.data["accounts"]["1001"]["status"] = "active"  # reinstated meanwhile
        assert c.restrict_account("alice", "suspend", key="k-1") == first
        assert store.data["accounts"]["1001"]["status"] == "active"
        assert len(store.data["operations"]) == 1


@pytest.mark.django_db
def test_a_timeout_after_the_platform_acted_is_retried_without_acting_twice() -> None:
    with receiver() as (upstream, store), proxy(upstream, Faults(["slow"], 1.5)) as url:
        c = _connector(url, timeout=0.5)
        result = c.notify_user("bob", "S", "B", key="n-1")
        assert result["message"] == 1
        assert len(store.data["messages"]) == 1  # acted once, though asked twice


@pytest.mark.django_db
def test_500_and_bad_signatures_are_retried_with_the_same_key() -> None:
    faults = Faults(["500", "badsig"])
    with receiver() as (upstream, store), proxy(upstream, faults) as url:
        c = _connector(url)
        assert c.restrict_account("alice", "terminate", key="t-1")["status"] == "terminated"
        assert faults.seen == ["500", "badsig", ""]
        assert len(store.data["operations"]) == 1


@pytest.mark.django_db
def test_a_platform_that_keeps_failing_raises_a_retryable_error() -> None:
    faults = Faults(["drop", "500", "badsig"])
    with receiver() as (upstream, store), proxy(upstream, faults) as url:
        with pytest.raises(ConnectorError, match="after 3 attempts") as caught:
            _connector(url).restrict_account("alice", "suspend", key="s-1")
        assert not isinstance(caught.value, PermanentConnectorError)
        assert len(store.data["operations"]) == 1  # it acted once, on the second try


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused_for_good() -> None:
    with receiver() as (url, store):
        c = _connector(url)
        c.restrict_account("alice", "suspend", key="k-1")
        with pytest.raises(PermanentConnectorError, match="idempotency_conflict"):
            c.restrict_account("alice", "terminate", key="k-1")
        assert store.data["accounts"]["1001"]["status"] == "suspended"


@pytest.mark.django_db
def test_a_different_answer_on_replay_keeps_the_first_and_tells_a_person() -> None:
    faults = Faults()
    with receiver() as (upstream, _store), proxy(upstream, faults) as url:
        c = _connector(url)
        first = c.restrict_account("alice", "suspend", key="k-1")
        faults.plan.append("alter")
        again = c.restrict_account("alice", "suspend", key="k-1")
    assert again == first and "tampered" not in again
    call = WebhookCall.objects.get(idempotency_key="k-1")
    assert call.conflicts == 1
    letter = DeadLetter.objects.get(kind="webhook_conflict")
    assert letter.idempotency_key == "k-1" and "first answer was kept" in letter.error


# --------------------------------------------------------------------------- end to end


@pytest.mark.django_db(transaction=True)
def test_a_demand_executes_end_to_end_over_the_webhook(
        settings: Any, fbi: Authority, reviewer: Any, tmp_path: Path) -> None:
    store = store_with(carol={"posts": [{"id": "9001", "url": "https://platform.example/carol/1",
                                         "created": "2020-05-01T10:00:00Z", "text": "hi",
                                         "status": "visible", "withheld_in": []}],
                              "logins": [{"timestamp_utc": "2020-05-01T09:00:00Z",
                                          "ip": "192.0.2.4", "user_agent": "curl"}]})
    with receiver(store) as (url, store):
        settings.DUEPROCESS = dataclasses.replace(
            settings.DUEPROCESS, connector=WEBHOOK, webhook_url=url, webhook_secret=SECRET,
            home=tmp_path / "home")
        assert get_connector().name == "webhook"
        body = court_order_body(targets=[{"type": "account", "id": "carol"}], asks=[
            {"kind": "disclose", "data_categories": ["subscriber", "traffic", "content"]},
            {"kind": "restrict_account", "measure": "suspend"}])
        demand = comply(receive(fbi, body), reviewer)
        assert demand.targets.get().exists  # looked up over the webhook at intake
        run_worker()
        demand.refresh_from_db()
        assert demand.status == "completed"
        production = Production.objects.get(demand=demand)
        files = productions.read_production(production)
        assert productions.verify_package(files, productions.public_key_pem())
        assert json.loads(files["posts.json"])[0]["text"] == "hi"
        assert b"192.0.2.4" in files["logins.csv"]
        assert store.data["accounts"]["carol"]["status"] == "suspended"
        assert [m["account"] for m in store.data["messages"]] == ["carol"]
        assert Notice.objects.get(demand=demand, kind="user").status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_refused_action_lands_on_the_dead_letter_list_and_is_retried_from_the_console(
        settings: Any, fbi: Authority, reviewer: Any, admin_user: Any) -> None:
    store = store_with(dave={})
    with receiver(store) as (url, store):
        settings.DUEPROCESS = dataclasses.replace(
            settings.DUEPROCESS, connector=WEBHOOK, webhook_url=url, webhook_secret=SECRET)
        body = court_order_body(targets=[{"type": "account", "id": "dave"}],
                                asks=[{"kind": "restrict_account", "measure": "suspend"}])
        demand = comply(receive(fbi, body), reviewer)
        action = demand.actions.get()
        # The platform already holds this key for something else: it refuses (409).
        store.data["operations"][action.idempotency_key] = {
            "operation": "restrict_account", "request_sha256": "0" * 64, "result": {}}
        run_worker()
        action.refresh_from_db()
        assert (action.status, action.attempts) == ("failed", 1)  # no automatic retry
        letter = DeadLetter.objects.get(action=action)

        console = Client()
        console.force_login(admin_user)
        page = console.get("/execution/")
        assert page.status_code == 200
        assert "idempotency_conflict" in page.content.decode()

        del store.data["operations"][action.idempotency_key]  # the platform fixed it
        response = console.post(f"/execution/dead-letters/{letter.pk}/retry/")
        assert response.status_code == 302
        run_worker()
        action.refresh_from_db()
        assert action.status == "succeeded"
        assert store.data["accounts"]["dave"]["status"] == "suspended"
        letter.refresh_from_db()
        assert letter.resolution == "retried"
        assert "dave" not in console.get("/execution/").content.decode()


def test_the_reference_receiver_runs_from_the_command_line(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    store_file = tmp_path / "store.json"
    store_file.write_text(json.dumps(Store().data))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dueprocess", "connector", "reference-receiver", "--port", "0",
         "--secret-file", str(secret_file), "--store", str(store_file)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={"PATH": "/usr/bin:/bin", "DUEPROCESS_RECEIVER_QUIET": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line
        url = line.rsplit(" ", 1)[-1].strip()
        connector = WebhookConnector(url, SECRET, timeout=5)
        assert connector.lookup("account", "bob").exists
        request = urllib.request.Request(url, data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        assert caught.value.code == 401
        caught.value.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert json.loads(store_file.read_text())["accounts"]["1002"]["handle"] == "bob"


# --------------------------------------------------------------------------- territories


@pytest.mark.django_db
def test_a_restriction_limited_to_territories_is_carried_out_there_only() -> None:
    with receiver() as (url, store):
        c = _connector(url)
        done = c.restrict_content("5001", "remove", ("DE",), key="r-de")
        assert (done["measure"], done["withheld_in"]) == ("withhold", ["DE"])
        post = store.data["accounts"]["1001"]["posts"][0]
        assert (post["status"], post["withheld_in"]) == ("visible", ["DE"])

        account = c.restrict_account("bob", "suspend", key="s-de", territories=("de",))
        assert (account["measure"], account["withheld_in"]) == ("withhold", ["DE"])
        assert store.data["accounts"]["1002"]["status"] == "active"

        worldwide = c.restrict_content("5001", "remove", ("WW",), key="r-ww")
        assert (worldwide["measure"], worldwide["status"]) == ("remove", "removed")


@pytest.mark.django_db
def test_the_receiver_refuses_a_removal_limited_to_territories() -> None:
    """A platform must never read a territorial removal as a global one; the reference
    receiver refuses it outright, and dueprocess never sends one."""
    with receiver() as (url, _store):
        c = _connector(url)
        with pytest.raises(PermanentConnectorError, match="is a withholding there"):
            c._call("restrict_content", {"content": "5001", "measure": "remove",
                                         "territories": ["DE"]}, key="raw-1")
        with pytest.raises(PermanentConnectorError, match="withholding needs territories"):
            c.restrict_account("bob", "withhold", key="w-none")
