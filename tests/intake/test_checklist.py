"""The checklist follows the law library: elements, ask-dependent elements, documents."""

from __future__ import annotations

from django.http import QueryDict

from dueprocess.intake.checklist import check, checklist
from dueprocess.law import default_library


def _labels(instrument_id: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    inst = default_library().get(instrument_id)
    return {i.key: (i.label, i.asks) for i in checklist(inst)}


def test_documents_follow_the_instrument() -> None:
    warrant = _labels("us.ecpa.warrant")
    assert warrant["order"][0] == "The order signed by the judge or court (PDF)"
    assert "translation" not in warrant
    mlat = _labels("intl.mlat")  # not only courts issue it, and it crosses borders
    assert mlat["order"][0] == "The signed order (PDF)"
    assert "translation" in mlat
    assert "order" not in _labels("generic.police_request")  # a voluntary request


def test_an_ask_kinds_elements_count_only_once_that_ask_is_chosen() -> None:
    inst = default_library().get("hk.nsl43.sch4")
    assert _labels("hk.nsl43.sch4")["approval"][1] == ("restrict_content",)
    disclose = {i.key for i in check(inst, {"ask_kind": "disclose"}, {})}
    assert "approval" not in disclose and "recipient_identifiers" in disclose
    # The second ask brings its own elements in too.
    both = check(inst, {"ask_kind": "disclose", "also_ask_kind": "restrict_content",
                        "approver_name": "Assistant Commissioner Lee"}, {})
    assert {i.key: i.done for i in both}["approval"] is True


def test_a_period_in_either_ask_and_an_attached_file_tick_their_items() -> None:
    inst = default_library().get("br.mci.art22")
    posted = QueryDict(mutable=True)
    posted.update({"ask_kind": "preserve", "also_ask_kind": "disclose",
                   "also_date_from": "2021-01-01", "also_date_to": "2021-02-01"})
    items = {i.key: i.done for i in check(inst, posted, {"attach_order": object()})}
    assert items["date_range"] is True and items["order"] is True
    assert items["statement_of_reasons"] is False
