"""The authority portal as an officer uses it: sign in, submit, follow, answer, withdraw."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.models import Authority, Demand, Requester
from dueprocess.intake.models import Invitation
from dueprocess.notices.actions import send_letter
from tests.intake.conftest import TOTP_KEY, emergency_body, make_pdf, receive, totp_now

pytestmark = pytest.mark.django_db


WARRANT = {
    "reference": "2:20-mj-00999", "issued_by_name": "Hon. Jane Doe",
    "issued_by_role": "judge", "legal_basis": "18 U.S.C. 2703",
    "statement_of_reasons": "Probable cause", "ask_kind": "disclose",
    "data_categories": ["subscriber", "content"], "date_from": "2020-01-01",
    "date_to": "2020-03-01", "target_type": "auto",
    "targets": "@suspect\nhttps://demo.social/suspect/posts/1?utm_source=x\n",
    "language": "en",
}


def test_sign_in_needs_password_and_authenticator_code(officer: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off after the deliberate wrong code
    client = Client()
    wrong = client.post("/portal/login/", {"email": officer.email,
                                           "password": "correct horse battery staple",
                                           "otp_token": "000000"})
    assert wrong.status_code == 400
    assert b"not right" in wrong.content
    assert client.get("/portal/").status_code == 302
    ok = client.post("/portal/login/?next=/portal/account/", {
        "email": officer.email, "password": "correct horse battery staple",
        "otp_token": totp_now()})
    assert ok.status_code == 302 and ok["Location"] == "/portal/account/"
    assert client.get("/portal/").status_code == 200


def test_staff_and_password_only_sessions_are_kept_out(reviewer: Any, officer: Any) -> None:
    staff = Client()
    staff.force_login(reviewer)
    assert staff.get("/portal/").status_code == 403
    half = Client()
    half.force_login(officer)  # no second factor in this session
    r = half.get("/portal/")
    assert r.status_code == 302 and r["Location"].startswith("/portal/login/")


def test_the_form_follows_the_instrument_and_submits(portal: Client, officer: Any) -> None:
    choose = portal.get("/portal/demands/new/")
    assert b"us.ecpa.warrant" in choose.content and b"hk.nsl43" not in choose.content
    page = portal.get("/portal/demands/new/?instrument=us.ecpa.warrant")
    assert b"Required by us.ecpa.warrant" in page.content
    missing = portal.post("/portal/demands/new/?instrument=us.ecpa.warrant",
                          {**WARRANT, "issued_by_name": "", "targets": ""})
    assert missing.status_code == 400
    assert not Demand.objects.exists()
    r = portal.post("/portal/demands/new/?instrument=us.ecpa.warrant", WARRANT)
    assert r.status_code == 302, r.content.decode()[:2000]
    demand = Demand.objects.get()
    assert (demand.channel, demand.sender_email, demand.requester) == (
        "portal", officer.email, officer.requester)
    assert list(demand.targets.values_list("identifier", flat=True)) == [
        "@suspect", "https://demo.social/suspect/posts/1"]
    assert not demand.findings.current().filter(code__startswith="auth.").exists()
    detail = portal.get(r["Location"])
    assert detail.status_code == 200 and b"2:20-mj-00999" in detail.content


def test_a_second_ask_goes_into_the_same_demand(portal: Client) -> None:
    url = "/portal/demands/new/?instrument=generic.court_order"
    order = {**WARRANT, "reference": "CO-2", "also_ask_kind": "preserve", "also_days": "90"}
    page = portal.get(url).content.decode()
    assert "A second ask (optional)" in page and 'value="preserve"' in page
    for change, field, message in [
        ({"also_ask_kind": "disclose"}, "also_ask_kind", "already asks for this"),
        ({"also_ask_kind": "restrict_account", "also_measure": ""}, "also_measure",
         "Choose the measure"),
    ]:
        refused = portal.post(url, {**order, **change})
        assert refused.status_code == 400
        assert message in refused.content.decode(), field
    assert not Demand.objects.exists()
    r = portal.post(url, order)
    assert r.status_code == 302, r.content.decode()[:2000]
    demand = Demand.objects.get(reference="CO-2")
    assert list(demand.asks.order_by("position").values_list("kind", "days")) == [
        ("disclose", None), ("preserve", 90)]


def test_hk_schedule_4_removal_asks_for_the_approval_and_exact_urls(
        make_user: Any, hk_police: Authority) -> None:
    user = make_user("officer@police.gov.hk")
    Requester.objects.create(authority=hk_police, user=user, verified=True)
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    client = Client()
    client.post("/portal/login/", {"email": user.email,
                                   "password": "correct horse battery staple",
                                   "otp_token": totp_now()})
    r = client.post("/portal/demands/new/?instrument=hk.nsl43.sch4", {
        "reference": "NSD-1", "issued_by_name": "LI Kwai-wah",
        "issued_by_role": "police_senior", "ask_kind": "restrict_content",
        "measure": "remove", "target_type": "auto", "targets": "@someone\n",
        "language": "en"})
    assert r.status_code == 400
    text = r.content.decode()
    assert "needs the approving official" in text
    assert "needs the exact URL of every item of content" in text


def test_an_officer_sees_only_their_authority(portal: Client, hk_police: Authority,
                                              fbi: Authority) -> None:
    theirs = receive(hk_police, emergency_body(reference="HK-1", emergency=False,
                                               instrument="generic.police_request"))
    mine = receive(fbi, emergency_body(reference="FBI-1", emergency=False,
                                       instrument="us.ecpa.subpoena"))
    home = portal.get("/portal/")
    assert b"FBI-1" in home.content and b"HK-1" not in home.content
    assert portal.get(f"/portal/demands/{theirs.pk}/").status_code == 404
    assert portal.post(f"/portal/demands/{theirs.pk}/withdraw/").status_code == 404
    assert portal.get(f"/portal/demands/{mine.pk}/").status_code == 200


def test_answering_a_clarification_and_reading_the_letter(
        portal: Client, officer: Any, reviewer: Any, fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(reference="FBI-2", emergency=False,
                                         instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="portal")
    actions.request_clarification(demand, "Please name the account precisely.",
                                  user=reviewer)
    letter = demand.notices.get(kind="clarification_request")
    # a draft is the platform's own until a reviewer sends it
    assert "Please name the account precisely." not in portal.get(
        f"/portal/demands/{demand.pk}/").content.decode()
    assert portal.get(f"/portal/demands/{demand.pk}/letters/{letter.pk}/").status_code == 404
    send_letter(letter, user=reviewer)
    page = portal.get(f"/portal/demands/{demand.pk}/").content.decode()
    assert "Please name the account precisely." in page
    assert portal.get(f"/portal/demands/{demand.pk}/letters/{letter.pk}/").status_code == 200
    r = portal.post(f"/portal/demands/{demand.pk}/answer/", {"answer": "It is @someone."})
    assert r.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "in_review"
    assert AuditEvent.objects.filter(demand_id=demand.pk,
                                     verb="demand.clarification_answered").exists()


def test_withdraw_documents_and_bulk_upload_from_the_portal(
        portal: Client, officer: Any, fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(reference="FBI-3", emergency=False,
                                         instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="portal")
    pdf = io.BytesIO(make_pdf())
    pdf.name = "subpoena.pdf"
    assert portal.post(f"/portal/demands/{demand.pk}/documents/",
                       {"file": pdf}).status_code == 302
    fake = io.BytesIO(b"GIF89a not a pdf")
    fake.name = "fake.pdf"
    refused = portal.post(f"/portal/demands/{demand.pk}/documents/", {"file": fake})
    assert refused.status_code == 415 and b"not a PDF" in refused.content
    targets = io.BytesIO(b"@a\n@b\n\nbad handle\n")
    targets.name = "list.txt"
    r = portal.post(f"/portal/demands/{demand.pk}/targets/", {"file": targets,
                                                             "type": "auto"})
    assert r.status_code == 302
    job = portal.get(r["Location"]).content.decode()
    assert "an account handle cannot contain spaces" in job
    progress = portal.get(r["Location"] + "?format=json").json()
    assert (progress["status"], progress["added"], progress["rejected"]) == ("done", 2, 1)
    assert portal.post(f"/portal/demands/{demand.pk}/withdraw/",
                       {"reason": "case closed"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == "withdrawn"


def test_an_oversized_portal_upload_is_refused_before_it_is_read(
        portal: Client, officer: Any, fbi: Authority) -> None:
    demand = receive(fbi, emergency_body(reference="FBI-4", emergency=False,
                                         instrument="us.ecpa.subpoena"),
                     requester=officer.requester, channel="portal")
    r = portal.generic("POST", f"/portal/demands/{demand.pk}/documents/", b"--x--\r\n",
                       content_type="multipart/form-data; boundary=x",
                       CONTENT_LENGTH=str(2 * 1024 ** 3))
    assert r.status_code == 413 and b"Nothing was stored" in r.content


def test_api_tokens_are_created_shown_once_and_revoked(portal: Client, officer: Any) -> None:
    r = portal.post("/portal/account/", {"name": "case system", "scopes": ["read"],
                                         "expires_in_days": 30})
    token = re.search(r'id="new-token">([^<]+)<', r.content.decode())
    assert token is not None
    row = ApiToken.objects.get(user=officer)
    assert row.scopes == ["read"] and row.expires_at is not None
    assert token.group(1) not in portal.get("/portal/account/").content.decode()
    portal.post(f"/portal/account/tokens/{row.pk}/revoke/")
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_an_invited_officer_sets_a_password_and_an_authenticator(
        admin_user: Any, fbi: Authority) -> None:
    staff = Client()
    staff.force_login(admin_user)
    r = staff.post("/intake/invitations/", {"email": "new.agent@fbi.gov", "authority": "fbi",
                                            "title": "Special Agent"})
    assert r.status_code == 200
    link = re.search(r'id="invitation-link">([^<]+)<', r.content.decode())
    assert link is not None and mail.outbox and link.group(1) in mail.outbox[0].body
    path = link.group(1).split("testserver", 1)[1]

    officer = Client()
    page = officer.get(path)
    assert page.status_code == 200 and b"<svg" in page.content
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())
    assert secret is not None
    import base64

    key = base64.b32decode(secret.group(1) + "=" * (-len(secret.group(1)) % 8))
    weak = officer.post(path, {"password": "short", "password_again": "short",
                               "otp_token": f"{TOTP(key).token():06d}"})
    assert weak.status_code == 400
    r = officer.post(path, {"password": "a long enough passphrase 42",
                            "password_again": "a long enough passphrase 42",
                            "otp_token": f"{TOTP(key).token():06d}"})
    assert r.status_code == 302 and r["Location"] == "/portal/"
    requester = Requester.objects.get(user__email="new.agent@fbi.gov")
    assert requester.verified and requester.authority == fbi
    assert officer.get("/portal/").status_code == 200
    assert Invitation.objects.get().accepted_at is not None
    assert officer.get(path).status_code == 409  # used


def test_the_portal_refuses_another_jurisdictions_instrument_with_the_reason(
        portal: Client) -> None:
    r = portal.post("/portal/demands/new/?instrument=hk.nsl43.sch4", WARRANT)
    assert r.status_code == 403
    assert "law of HK" in r.content.decode()
    assert Demand.objects.count() == 0
    assert portal.get("/portal/demands/new/?instrument=intl.mlat").status_code == 200
