"""Bulk assignment and saved views: each change recorded, repeats harmless, refusals told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.demands import actions as demand_actions
from dueprocess.demands.models import Demand
from dueprocess.errors import InvalidInput
from dueprocess.review import actions
from dueprocess.review.models import SavedView

pytestmark = pytest.mark.django_db


def test_claiming_many_records_one_event_per_demand_and_repeats_change_nothing(
        make_demand: Callable[..., Demand], reviewer: Any) -> None:
    made = [make_demand(reference=f"B-{i}") for i in range(3)]
    ids = [d.pk for d in made]
    done = actions.bulk_assign(ids, reviewer.pk, user=reviewer)
    assert done.assigned == ids and not done.refused
    assert set(Demand.objects.filter(pk__in=ids).values_list("assignee_id", flat=True)) == {
        reviewer.pk}
    events = AuditEvent.objects.filter(verb="demand.assigned")
    assert sorted(events.values_list("demand_id", flat=True)) == sorted(ids)
    again = actions.bulk_assign(ids, reviewer.pk, user=reviewer)
    assert again.unchanged == ids and not again.assigned
    assert AuditEvent.objects.filter(verb="demand.assigned").count() == 3


def test_a_closed_demand_is_refused_and_reported_while_the_rest_go_ahead(
        make_demand: Callable[..., Demand], reviewer: Any, approver: Any) -> None:
    open_one = make_demand(reference="OPEN")
    closed = make_demand(reference="CLOSED")
    demand_actions.withdraw_demand(closed, user=None, reason="no longer needed")
    done = actions.bulk_assign([closed.pk, open_one.pk, 987654], approver.pk, user=reviewer)
    assert done.assigned == [open_one.pk]
    assert set(done.refused) == {closed.pk, 987654}
    assert "cannot be assigned" in done.refused[closed.pk]
    assert Demand.objects.get(pk=closed.pk).assignee_id is None
    assert not AuditEvent.objects.filter(verb="demand.assigned", demand_id=closed.pk).exists()


def test_nothing_selected_is_bad_input(reviewer: Any) -> None:
    with pytest.raises(InvalidInput):
        actions.bulk_assign([], reviewer.pk, user=reviewer)


def test_a_saved_view_is_kept_replaced_by_name_and_deleted_with_audit(reviewer: Any,
                                                                      approver: Any) -> None:
    view = actions.save_view("HK emergencies", "jurisdiction=HK&emergency=1", user=reviewer)
    same = actions.save_view("HK emergencies", "jurisdiction=HK&emergency=1&sort=deadline",
                             user=reviewer)
    assert same.pk == view.pk and SavedView.objects.get().query.endswith("sort=deadline")
    with pytest.raises(InvalidInput):
        actions.delete_view(view.pk, user=approver)  # someone else's view is not theirs
    actions.delete_view(view.pk, user=reviewer)
    assert not SavedView.objects.exists()
    verbs = list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs == ["review.view_saved", "review.view_saved", "review.view_deleted"]


def test_a_view_needs_a_name(reviewer: Any) -> None:
    with pytest.raises(InvalidInput):
        actions.save_view("  ", "emergency=1", user=reviewer)
    assert not SavedView.objects.exists()
