from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "dueprocess.transparency"
    label = "transparency"

    def ready(self) -> None:
        # Imported here, not at the top: models load only once the app registry is ready.
        from django.db.models.signals import post_save

        from dueprocess.audit.chain import recorded
        from dueprocess.demands.models import (
            Action,
            Ask,
            Decision,
            Demand,
            Finding,
            Notice,
            Target,
        )

        def demand_saved(sender: Any, instance: Demand, **kwargs: Any) -> None:
            _mark(instance.pk)

        def row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
            _mark(getattr(instance, "demand_id", None))

        def event_recorded(sender: Any, verb: str, demand_id: int | None,
                           **kwargs: Any) -> None:
            # An event is the net for changes made without save() (bulk updates); one that
            # records a read changed nothing a report counts.
            if verb not in READ_VERBS:
                _mark(demand_id)

        post_save.connect(demand_saved, sender=Demand, weak=False,
                          dispatch_uid="transparency.demand_saved")
        for model in (Ask, Target, Action, Notice, Finding, Decision):
            post_save.connect(row_saved, sender=model, weak=False,
                              dispatch_uid=f"transparency.{model.__name__}_saved")
        recorded.connect(event_recorded, weak=False, dispatch_uid="transparency.event_recorded")

        # Execution runs the tallies with its maintenance, without importing transparency.
        from dueprocess.execution.tasks import register_maintenance
        from dueprocess.transparency.tally import settle

        register_maintenance("tallied", settle)  # reports stay quick to make


#: Audit verbs that record an access, not a change.
READ_VERBS = frozenset({"demand.viewed", "production.downloaded", "console.searched",
                        "audit.checkpoint_exported", "audit.viewed", "audit.verified",
                        "audit.exported"})


def _mark(demand_id: int | None) -> None:
    """Tallies are derived data: note the demand as stale in the changing transaction."""
    from dueprocess.transparency.tally import mark_stale  # loaded once the registry is ready

    mark_stale(demand_id)
