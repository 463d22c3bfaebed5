"""Records of what execution produced: the disclosure packages handed to authorities."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from dueprocess.demands.models import Action, Demand

RETENTION = timedelta(days=90)


def _default_expiry() -> datetime:
    return timezone.now() + RETENTION


class Production(models.Model):
    """One signed, encrypted package of disclosed data for one export action.

    The package file lives under ``productions_dir``; ``path`` is relative to it so the
    data directory can move. ``manifest_sha256`` fixes which manifest was signed, so a
    package swapped on disk is detected even before its signature is checked.
    """

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="productions")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="production")
    path = models.CharField(max_length=500)
    manifest_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes of the encrypted package")
    files = models.JSONField(default=list, blank=True,
                             help_text="Names, sizes and SHA-256 of the data files")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_default_expiry, db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"production {self.pk} of demand {self.demand_id}"

    @property
    def is_available(self) -> bool:
        return self.purged_at is None
