"""Letters to the authority: translated, with reasons, in the portal and by e-mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions
from dueprocess.demands.actions import receive_demand
from dueprocess.demands.inputs import DecisionsIn, DemandIn
from dueprocess.demands.models import Authority, Demand, Notice, NoticeKind
from dueprocess.notices import catalogs
from dueprocess.notices.actions import send_letter
from dueprocess.notices.delivery import send_letter_email, verified_addresses
from dueprocess.notices.letters import letter_language, render_letter
from tests.execution.support import run_worker

RECEIVED = datetime(2020, 10, 5, 14, 0, tzinfo=UTC)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("connection refused by the mail server")


@pytest.fixture
def make(fbi: Authority, make_user: Callable[..., Any]) -> Callable[..., Demand]:
    def build(**extra: Any) -> Demand:
        body: dict[str, Any] = {
            "reference": "2:20-mj-00417", "instrument": "us.ecpa.warrant",
            "issued_by": {"name": "Hon. Jane Doe", "role": "judge",
                          "email": "jane.doe@fbi.gov"},
            "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
            "targets": [{"type": "account", "id": "cs_suspect_42"}]}
        body.update(extra)
        return receive_demand(DemandIn.model_validate(body), authority=fbi, requester=None,
                              user=None, received_at=RECEIVED)

    return build


def _refuse(demand: Demand, user: Any, outcome: str = "reject") -> None:
    actions.record_decisions(demand, DecisionsIn.model_validate({"decisions": [
        {"ask": 0, "outcome": outcome, "reason_codes": ["overbroad", "foreign_target"],
         "rationale": "internal note: do not quote"}]}), user=user)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "greeting", "reason"), [
    ("en", "Dear Sir or Madam,", "Overbroad: scope beyond what is necessary"),
    ("de", "Sehr geehrte Damen und Herren,", "Zu weit gefasst"),
    ("zh-hant", "敬啟者：", "範圍過廣"),  # noqa: RUF001
    ("zh-HK", "敬啟者：", "範圍過廣"),  # noqa: RUF001
    ("fr", "Dear Sir or Madam,", "Overbroad"),
])
def test_refusal_is_written_in_the_demands_language_with_its_reasons(
        make: Callable[..., Demand], reviewer: Any, language: str, greeting: str,
        reason: str) -> None:
    demand = make(language=language)
    _refuse(demand, reviewer)
    letter = Notice.objects.get(demand=demand, kind=NoticeKind.REFUSAL)
    assert greeting in letter.body
    assert reason in letter.body
    assert "2:20-mj-00417" in letter.body and "2:20-mj-00417" in letter.subject
    assert "internal note" not in letter.body  # the rationale stays inside the platform
    assert letter.recipient == "fbi"
    assert letter.language == language


@pytest.mark.django_db
def test_every_letter_kind_renders_in_every_language(make: Callable[..., Demand]) -> None:
    demand = make()
    for language in ("en", "de", "zh-hant"):
        demand.language = language
        for kind in ("acknowledgement", "clarification_request", "refusal", "mlat_referral",
                     "effect_report", "partial_compliance"):
            subject, body = render_letter(demand, kind, extra="Which account?")
            assert demand.reference in subject and body.strip(), (language, kind)
    demand.language = "de"
    assert render_letter(demand, "acknowledgement")[0].startswith("Eingangsbestätigung")
    assert letter_language(demand) == "de"


@pytest.mark.django_db
def test_mlat_referral_names_the_treaty_route(make: Callable[..., Demand], reviewer: Any
                                              ) -> None:
    demand = make(language="zh-hant")
    _refuse(demand, reviewer, outcome="route_mlat")
    letter = Notice.objects.get(demand=demand, kind=NoticeKind.MLAT_REFERRAL)
    assert "刑事司法互助" in letter.body


@pytest.mark.django_db(transaction=True)
def test_letters_are_emailed_by_the_worker_only_to_verified_addresses(
        make: Callable[..., Demand], reviewer: Any) -> None:
    demand = make()
    assert mail.outbox == []  # queued at the commit, not sent within the request
    run_worker()
    ack = mail.outbox[-1]
    assert ack.to == ["jane.doe@fbi.gov"]
    assert ack.subject.startswith("Acknowledgement of receipt")
    actions.request_clarification(demand, "Which date range?", user=reviewer)
    run_worker()
    assert len(mail.outbox) == 1  # a draft until the reviewer sends it
    draft = demand.notices.get(kind="clarification_request")
    send_letter(draft, user=reviewer)
    run_worker()
    assert "Which date range?" in mail.outbox[-1].body
    verbs = list(AuditEvent.objects.filter(demand_id=demand.pk, verb="letter.emailed")
                 .values_list("payload__kind", flat=True))
    assert verbs == ["acknowledgement", "clarification_request"]


@pytest.mark.django_db
def test_a_lookalike_sender_gets_no_email(make: Callable[..., Demand],
                                          django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demand = make(issued_by={"name": "Agent", "email": "agent@fbi-gov.com"})
    assert verified_addresses(demand) == []
    assert mail.outbox == []
    skipped = AuditEvent.objects.get(demand_id=demand.pk, verb="letter.email_skipped")
    assert "verified domain" in skipped.payload["reason"]
    # Subdomains of a verified domain are the authority's own.
    demand.sender_email = "duty@ic.fbi.gov"
    assert verified_addresses(demand) == ["duty@ic.fbi.gov"]


@pytest.mark.django_db
def test_a_failing_mail_server_is_recorded_not_raised(make: Callable[..., Demand],
                                                      settings: Any) -> None:
    demand = make()
    settings.EMAIL_BACKEND = "tests.notices.test_letters.RefusingBackend"
    letter = Notice.objects.get(demand=demand, kind=NoticeKind.ACKNOWLEDGEMENT)
    assert send_letter_email(letter.pk) == "letter.email_failed"
    failed = AuditEvent.objects.get(demand_id=demand.pk, verb="letter.email_failed")
    assert failed.payload["to"] == ["jane.doe@fbi.gov"]


@pytest.mark.django_db(transaction=True)
def test_a_letter_the_mail_server_refused_is_sent_again_later(
        make: Callable[..., Demand], settings: Any) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "tests.notices.test_letters.RefusingBackend"
    demand = make()
    run_worker()
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY,
                                     task_path="dueprocess.notices.tasks.email_letter")
    assert retry.run_after is not None and retry.run_after > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert [m.to for m in mail.outbox] == [["jane.doe@fbi.gov"]]
    attempts = list(AuditEvent.objects.filter(demand_id=demand.pk, verb__startswith="letter.")
                    .order_by("seq").values_list("verb", "payload__attempt"))
    assert attempts == [("letter.email_failed", 1), ("letter.emailed", 2)]


def test_compiled_catalogues_match_their_sources() -> None:
    assert catalogs.catalogues(), "no translation catalogues found"
    assert catalogs.stale() == []
