"""The timeline in words: every audit code the system records reads as a sentence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from dueprocess.audit.models import AuditEvent
from dueprocess.review import timeline

SRC = Path(timeline.__file__).resolve().parents[1]

# A code is written where it is recorded, ``record("demand.approved", ...)``, or first put
# in a variable of that name, ``verb = "letter.emailed"`` and then ``record(verb, ...)``.
LITERAL = re.compile(r"""(?:\brecord\(\s*|\bverb\s*=\s*)"([a-z_]+\.[a-z_]+)\"""")
CALL = re.compile(r"\brecord\(\s*([^\s,)]+)")


def recorded_codes() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes.update(LITERAL.findall(text))
        for first in CALL.findall(text):
            # any other way of naming the code would slip past this walk: say so here
            assert first.startswith('"') or first in ("verb", "verb:"), (path, first)
    return codes


def test_every_code_the_system_records_has_a_sentence() -> None:
    codes = recorded_codes()
    assert len(codes) > 50 and "demand.approved" in codes and "letter.emailed" in codes
    assert sorted(codes - set(timeline.SENTENCES)) == []


def _event(verb: str, payload: dict[str, Any] | None = None, actor: str = "system"
           ) -> AuditEvent:
    return AuditEvent(seq=1, at=timezone.now(), actor=actor, demand_id=1, verb=verb,
                      payload=payload or {}, prev_hash="", hash="")


@pytest.mark.parametrize("language", ["en", "de", "zh-hant"])
def test_every_sentence_reads_without_its_payload(language: str) -> None:
    with translation.override(language):
        for code in timeline.SENTENCES:
            line = timeline.describe(_event(code), {})
            assert "%(" not in line.sentence and line.sentence, code


def test_people_are_named_and_findings_and_decisions_spelled_out() -> None:
    approved = timeline.describe(_event("demand.approved", actor="user:7:mchen"),
                                 {7: "Maria Chen"})
    assert approved.sentence == "Maria Chen approved the decisions"
    assert approved.kind == timeline.DECISIONS
    vetted = timeline.describe(_event("demand.vetted", {
        "recommendation": "request_clarification",
        "findings": [{"code": "legal.insufficient_process", "severity": "block"}]}), {})
    assert vetted.sentence == "Vetting recommended: request clarification"
    assert vetted.points == ["Vetting found: legal.insufficient_process (block)"]
    decided = timeline.describe(_event("demand.decided", {"decisions": [
        {"ask": 0, "target": None, "outcome": "comply_partially"},
        {"ask": 0, "target": "bob_2", "outcome": "reject"}]}, actor="user:3:rev"), {})
    assert decided.sentence == "rev recorded the decisions"  # no name on file: the login
    assert decided.points == ["Ask 0: comply in part", "Ask 0, target bob_2: refuse"]


def test_an_unknown_code_from_an_older_release_still_shows() -> None:
    line = timeline.describe(_event("legacy.thing"), {})
    assert "legacy.thing" in line.sentence and line.kind == ""


def test_filters_cover_the_kinds_reviewers_ask_for() -> None:
    assert [k for k, _ in timeline.KINDS] == ["", "decisions", "vetting", "execution",
                                              "letters", "notes"]
    assert "demand.note_added" in timeline.codes_of(timeline.NOTES)
    assert "action.failed" in timeline.codes_of(timeline.EXECUTION)
    assert set(timeline.VIEW_CODES) == {"demand.viewed", "production.downloaded"}


def test_sentences_statuses_and_kinds_read_in_the_active_language() -> None:
    changed = _event("demand.status_changed", {"from": "in_review", "to": "awaiting_authority"})
    decided = _event("demand.decided", {"decisions": [
        {"ask": 0, "target": "bob_2", "outcome": "reject"}]}, actor="user:3:rev")
    english = timeline.describe(changed, {})
    assert english.sentence == "The status changed from in review to awaiting authority"
    assert english.kind_label == "decisions"
    with translation.override("de"):
        line = timeline.describe(changed, {})
        assert line.sentence == ("Der Status wechselte von in Prüfung zu wartet auf die "
                                 "Behörde")
        assert line.kind_label == "Entscheidungen"
        assert timeline.describe(decided, {}).points == [
            "Anforderung 0, Zielkennung bob_2: ablehnen"]
        assert timeline.describe(_event("legacy.thing"), {}).kind_label == "sonstige"
    with translation.override("zh-hant"):
        assert timeline.describe(changed, {}).sentence == "狀態由 審核中 變為 等待當局回覆"
        assert timeline.describe(_event("demand.approved", actor="system"), {}).sentence \
            == "系統 批准了決定"


def test_what_vetting_recommends_reads_in_the_active_language() -> None:
    vetted = _event("demand.vetted", {"recommendation": "route_mlat", "findings": []})
    assert timeline.describe(vetted, {}).sentence == "Vetting recommended: route mlat"
    with translation.override("de"):
        assert timeline.describe(vetted, {}).sentence == (
            "Die Vorprüfung empfahl: an die Rechtshilfe (MLAT) verweisen")
