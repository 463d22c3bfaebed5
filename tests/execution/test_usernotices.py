"""User notices: told before disclosure with time to object, delayed by gags, sent after
emergencies, barred and flagged when a gag never ends; in the user's language; on the
timeline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dueprocess.connectors.base import ConnectorError
from dueprocess.demands.models import Authority, Demand, Notice
from dueprocess.demo import platform
from dueprocess.demo.connector import DemoConnector
from dueprocess.demo.models import UserMessage
from dueprocess.execution import deadletters, usernotices
from dueprocess.execution.models import DeadLetter, DisclosureWait, NoticeState, Production
from dueprocess.execution.tasks import deliver_pending_notices, run_action
from tests.execution.support import court_order_body, run_worker, time_passes, verbs, warrant_body

pytestmark = pytest.mark.django_db(transaction=True)

Approve = Callable[..., Demand]


def _timeline(notice: Notice) -> list[str]:
    from dueprocess.audit.models import AuditEvent

    return [e.verb for e in AuditEvent.objects.filter(demand_id=notice.demand_id)
            .order_by("seq") if e.payload.get("notice") == notice.pk]


def _messages(handle: str) -> list[UserMessage]:
    return list(UserMessage.objects.filter(account__handle=handle).order_by("pk"))


def test_the_user_is_told_first_and_disclosure_waits_for_the_notice_period(
        approved: Approve, notice_period: Callable[[int], None]) -> None:
    notice_period(7)
    demand = approved()
    run_worker()

    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "sent"
    wait = DisclosureWait.objects.get(demand=demand)
    assert wait.until is not None and notice.sent_at is not None
    assert abs(wait.until - notice.sent_at - timedelta(days=7)) < timedelta(minutes=1)
    action = demand.actions.get()
    assert action.status == "pending"  # nothing disclosed yet
    assert not Production.objects.exists()
    retry = DBTaskResult.objects.get(task_path=run_action.module_path,
                                     status=TaskResultStatus.READY)
    assert retry.run_after == wait.until  # queued for the end of the period, once

    [message] = _messages(platform.US_SUSPECT)
    assert f"You have until {wait.until:%Y-%m-%d} to object" in message.body
    assert "We have not disclosed anything yet" in message.body
    assert "2:20-mj-00417" in message.body and "Hon. Jane Doe" in message.body
    assert "Federal Bureau of Investigation" in message.body

    time_passes()
    run_worker()
    action.refresh_from_db()
    demand.refresh_from_db()
    assert (action.status, demand.status) == ("succeeded", "completed")
    assert len(_messages(platform.US_SUSPECT)) == 1  # not told a second time
    timeline = verbs(demand)
    assert timeline.index("notice.sent") < timeline.index("disclosure.waiting") < \
        timeline.index("production.created")


def test_an_objection_holds_the_disclosure_until_a_person_decides(
        approved: Approve, notice_period: Callable[[int], None], reviewer: Any) -> None:
    notice_period(7)
    demand = approved()
    run_worker()
    wait = DisclosureWait.objects.get(demand=demand)
    usernotices.record_objection(wait, text="I am challenging the warrant in court.",
                                 user=reviewer)

    time_passes()
    run_worker()
    action = demand.actions.get()
    assert action.status == "pending"
    assert run_action.call(action.pk)["outcome"] == "waiting"

    usernotices.let_disclosure_proceed(wait, user=reviewer,
                                       why="The court refused to stay the warrant.")
    run_worker()
    action.refresh_from_db()
    assert action.status == "succeeded"
    assert verbs(demand, "disclosure.") == ["disclosure.waiting", "disclosure.objected",
                                            "disclosure.proceeds"]


def test_an_upheld_objection_cancels_the_disclosure_and_says_so(
        approved: Approve, notice_period: Callable[[int], None], reviewer: Any) -> None:
    from dueprocess.errors import Conflict, InvalidInput

    notice_period(7)
    demand = approved()
    run_worker()
    wait = DisclosureWait.objects.get(demand=demand)
    with pytest.raises(Conflict, match="no objection"):
        usernotices.uphold_objection(wait, user=reviewer, why="Journalist source protection.")
    usernotices.record_objection(wait, text="I am a journalist; this exposes my sources.",
                                 user=reviewer)
    with pytest.raises(InvalidInput):
        usernotices.uphold_objection(wait, user=reviewer, why="  ")
    usernotices.uphold_objection(wait, user=reviewer, why="Journalist source protection.")
    usernotices.uphold_objection(wait, user=reviewer, why="again")  # changes nothing

    time_passes()
    run_worker()
    demand.refresh_from_db()
    action = demand.actions.get()
    assert action.status == "cancelled"
    assert run_action.call(action.pk)["outcome"] == "cancelled"
    assert demand.status == "completed"
    assert not Production.objects.filter(demand=demand).exists()
    report = Notice.objects.get(demand=demand, kind="effect_report")
    assert "not acted on (cancelled)" in report.body
    assert "journalist" not in report.body.lower()  # the reasons stay in the platform
    with pytest.raises(Conflict, match="upheld"):
        usernotices.let_disclosure_proceed(wait, user=reviewer, why="changed our mind")
    assert verbs(demand, "disclosure.") == ["disclosure.waiting", "disclosure.objected",
                                            "disclosure.withheld"]
    assert verbs(demand, "action.cancelled") == ["action.cancelled"]


def test_the_wait_never_runs_past_the_demands_deadline(
        approved: Approve, notice_period: Callable[[int], None]) -> None:
    notice_period(7)
    deadline = timezone.now() + timedelta(days=2)
    demand = approved(warrant_body(deadline=deadline.isoformat()))
    run_worker()
    wait = DisclosureWait.objects.get(demand=demand)
    assert wait.until == demand.deadline


def test_the_copy_of_the_demand_is_redacted(approved: Approve) -> None:
    body = warrant_body(
        issued_by={"name": "Hon. Jane Doe", "title": "U.S. Magistrate Judge", "role": "judge",
                   "email": "chambers@cacd.uscourts.gov"},
        statement_of_reasons=("Probable cause; call SA Hill on +1 202 555 0199 or write to "
                              "m.hill@fbi.gov; co-conspirator ny_trader_88."),
        targets=[{"type": "account", "id": platform.US_SUSPECT},
                 {"type": "account", "id": platform.US_PRESERVATION_TARGET}])
    demand = approved(body)
    run_worker()
    [mine] = _messages(platform.US_SUSPECT)
    for secret in ("chambers@cacd.uscourts.gov", "m.hill@fbi.gov", "202 555 0199",
                   platform.US_PRESERVATION_TARGET):
        assert secret not in mine.body, secret
    assert "[redacted]" in mine.body
    assert platform.US_SUSPECT in mine.body
    [theirs] = _messages(platform.US_PRESERVATION_TARGET)
    assert platform.US_SUSPECT not in theirs.body
    assert Notice.objects.filter(demand=demand, kind="user").count() == 2


def test_a_gag_delays_the_notice_and_does_not_hold_the_disclosure(approved: Approve) -> None:
    until = timezone.now().date() + timedelta(days=30)
    demand = approved(warrant_body(non_disclosure={"until": until.isoformat()}))
    run_worker()
    demand.refresh_from_db()
    assert demand.status == "completed"
    assert not DisclosureWait.objects.exists()
    notice = Notice.objects.get(demand=demand, kind="user")
    # The last day of the gag is still gagged: the user may be told from the day after.
    assert (notice.status, notice.not_before) == ("delayed", until + timedelta(days=1))
    assert NoticeState.objects.get(notice=notice).reason == "gag"

    usernotices.deliver_due(datetime.combine(until + timedelta(days=1), time(12), UTC))
    [message] = _messages(platform.US_SUSPECT)
    assert f"ordered us not to tell you until {until:%Y-%m-%d}" in message.body
    assert "What we did:" in message.body and "data disclosed" in message.body
    assert _timeline(notice) == ["notice.created", "notice.released", "notice.sent"]


def test_an_endless_gag_bars_the_notice_and_flags_it_for_challenge(approved: Approve) -> None:
    demand = approved(warrant_body(non_disclosure={"until": None}))
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "barred"
    state = NoticeState.objects.get(notice=notice)
    assert (state.reason, state.flagged_for_challenge) == ("indefinite_gag", True)
    assert "notice.flagged_for_challenge" in verbs(demand)
    deliver_pending_notices(timezone.now().date() + timedelta(days=3650))
    assert not UserMessage.objects.exists()


def test_after_an_emergency_the_user_is_told_once_it_has_passed(
        approved: Approve, notice_period: Callable[[int], None], reviewer: Any) -> None:
    notice_period(7)
    body = warrant_body(instrument="us.ecpa.emergency", emergency=True,
                        emergency_justification="Kidnapping: the victim's life is at risk",
                        asks=[{"kind": "disclose", "data_categories": ["subscriber"]}])
    demand = approved(body)
    run_worker()
    demand.refresh_from_db()
    assert demand.status == "completed"  # an emergency does not wait for the user
    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "delayed"
    assert notice.not_before == timezone.now().date() + usernotices.EMERGENCY_NOTICE_DELAY
    assert not UserMessage.objects.exists()

    usernotices.release_now(notice, user=reviewer, why="the victim was found safe")
    run_worker()
    [message] = _messages(platform.US_SUSPECT)
    assert "emergency had passed" in message.body


def test_an_instrument_that_forbids_telling_the_user_bars_the_notice(
        approved: Approve, fr_parquet: Authority) -> None:
    body = {"reference": "EPOC-2026-001", "instrument": "eu.evidence.epoc",
            "issued_by": {"name": "Claire Martin", "role": "judge"},
            "legal_basis": "Art. 5 Regulation (EU) 2023/1543",
            "asks": [{"kind": "disclose", "data_categories": ["subscriber"]}],
            "targets": [{"type": "account", "id": platform.FR_SUSPECT}],
            "received_at": "2026-09-01T08:00:00+00:00"}
    demand = approved(body, authority=fr_parquet)
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    assert notice.status == "barred"
    assert NoticeState.objects.get(notice=notice).reason == "not_allowed"
    assert not DisclosureWait.objects.exists()


def test_notices_are_written_in_the_users_language(approved: Approve) -> None:
    body = warrant_body(targets=[{"type": "account", "id": platform.DE_HATE_ACCOUNT},
                                 {"type": "account", "id": platform.HK_JOURNALIST}],
                        asks=[{"kind": "disclose", "data_categories": ["subscriber"]}])
    demand = approved(body)
    run_worker()
    [german] = _messages(platform.DE_HATE_ACCOUNT)
    assert german.language == "de"
    assert german.subject == "Eine behördliche Anordnung zu Ihrem Konto"
    assert "Sehr geehrte" in german.body and "Behörde" in german.body
    [chinese] = _messages(platform.HK_JOURNALIST)
    assert chinese.language == "zh-hant"
    assert "帳戶" in chinese.subject and "參考編號" in chinese.body
    notice = Notice.objects.get(demand=demand, recipient=platform.DE_HATE_ACCOUNT)
    assert (notice.language, notice.body) == ("de", german.body)
    assert not NoticeState.objects.get(notice=notice).fell_back_to_english


def test_every_shipped_translation_is_complete() -> None:
    for language in ("de", "zh-hant"):
        assert usernotices.missing_translations(usernotices.TEMPLATE, language) == []


def test_a_missing_translation_falls_back_to_english_and_is_logged(
        approved: Approve, settings: Any, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "templates"
    (folder / "t").mkdir(parents=True)
    (folder / "t" / "notice.txt").write_text(
        '{% load i18n %}{% translate "Authority" %}: {{ authority }}\n'
        '{% translate "A sentence nobody has translated yet." %}\n')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(folder)]}]
    demand = approved()
    notice = Notice.objects.get(demand=demand, kind="user")

    assert usernotices.missing_translations("t/notice.txt", "de") == [
        "A sentence nobody has translated yet."]
    with caplog.at_level(logging.WARNING, logger="dueprocess.execution.notices"):
        rendered = usernotices.render(notice, "de", template_name="t/notice.txt")
    assert (rendered.language, rendered.fell_back) == ("en", True)
    assert rendered.body.startswith("Authority: Federal Bureau of Investigation")
    assert rendered.subject == "A government demand concerning your account"
    assert any("lack a de translation" in r.getMessage() for r in caplog.records)

    with caplog.at_level(logging.WARNING, logger="dueprocess.execution.notices"):
        other = usernotices.render(notice, "fr", template_name="t/notice.txt")
    assert other.language == "en" and other.fell_back


def test_undeliverable_notices_retry_with_backoff_then_go_to_the_dead_letter_list(
        approved: Approve, reviewer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ConnectorError("the platform's messaging service is down")

    monkeypatch.setattr(DemoConnector, "notify_user", down)
    demand = approved(court_order_body(asks=[{"kind": "restrict_account", "measure": "suspend"}]))
    run_worker()
    demand.refresh_from_db()
    assert demand.status == "completed"
    notice = Notice.objects.get(demand=demand, kind="user")
    state = NoticeState.objects.get(notice=notice)
    assert (notice.status, state.attempts) == ("pending", 1)

    assert state.next_attempt_at is not None
    now = state.next_attempt_at - timedelta(seconds=1)
    assert usernotices.deliver_due(now)["failed"] == 0  # waits for its backoff
    delays = []
    for attempt in range(2, usernotices.MAX_DELIVERY_ATTEMPTS + 1):
        now = state.next_attempt_at + timedelta(seconds=1)
        assert usernotices.deliver_due(now)["failed"] == 1, attempt
        state.refresh_from_db()
        assert state.attempts == attempt and state.next_attempt_at is not None
        delays.append(state.next_attempt_at - timezone.now())
    assert delays == sorted(delays) and delays[0] < delays[-1]  # exponential backoff
    letter = DeadLetter.objects.get(notice=notice)
    assert letter.kind == "notice" and letter.resolved_at is None
    assert usernotices.deliver_due(now + timedelta(days=1))["failed"] == 0  # parked

    monkeypatch.undo()  # the platform is back
    deadletters.retry(letter, user=reviewer)
    run_worker()
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert len(_messages(platform.US_SUSPECT)) == 1
    timeline = verbs(demand, "notice")
    assert timeline.count("notice.delivery_failed") == usernotices.MAX_DELIVERY_ATTEMPTS
    assert "notice.dead_lettered" in timeline


def _sch4_gagged(until: date) -> dict[str, Any]:
    return {"reference": "NSD-GAG-1", "instrument": "hk.nsl43.sch4",
            "issued_by": {"name": "LI Kwai-wah", "title": "Assistant Commissioner of Police",
                          "role": "police_senior"},
            "officials": [{"name": "LEE Ka-chiu, John", "title": "Secretary for Security",
                           "role": "approver"}],
            "legal_basis": "Implementation Rules for Article 43, Schedule 4, section 3",
            "statement_of_reasons": "Messages likely to constitute an offence",
            "offences": ["hk.nsl.art21"],
            "asks": [{"kind": "restrict_content", "measure": "withhold",
                      "territorial_scope": ["HK"]}],
            "targets": [{"type": "content", "url": platform.HK_PROTEST_POSTS[0]}],
            "non_disclosure": {"until": until.isoformat()}}


def test_a_hong_kong_gag_ends_when_its_last_day_ends_in_hong_kong(
        approved: Approve, hk_police: Authority) -> None:
    until = timezone.now().date() + timedelta(days=20)
    demand = approved(_sch4_gagged(until), authority=hk_police)
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    assert (notice.status, notice.not_before) == ("delayed", until + timedelta(days=1))
    last_day = datetime.combine(until, time(15, 30), UTC)  # 23:30 on the last day in HK
    assert usernotices.deliver_due(last_day)["released"] == 0
    # 00:30 the next day in Hong Kong, while it is still the last day in UTC.
    assert usernotices.deliver_due(last_day + timedelta(hours=1))["released"] == 1
    notice.refresh_from_db()
    assert notice.status == "sent"


def test_a_gag_from_a_country_of_several_zones_ends_where_the_day_ends_last(
        approved: Approve) -> None:
    until = timezone.now().date() + timedelta(days=30)
    demand = approved(warrant_body(non_disclosure={"until": until.isoformat()}))
    run_worker()
    notice = Notice.objects.get(demand=demand, kind="user")
    next_day = until + timedelta(days=1)
    # UTC has moved on to the next day, Hawaii has not: still gagged.
    assert usernotices.deliver_due(datetime.combine(next_day, time(9), UTC))["released"] == 0
    assert not _messages(platform.US_SUSPECT)
    assert usernotices.deliver_due(datetime.combine(next_day, time(11), UTC))["released"] == 1
    notice.refresh_from_db()
    assert notice.status == "sent"
