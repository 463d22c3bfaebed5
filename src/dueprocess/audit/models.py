"""The append-only, hash-chained event log.

``hash = sha256(prev_hash + canonical JSON of the event)``; the chain head row is locked
while appending so that concurrent writers on many hosts still form a single chain.
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    demand_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    verb = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["demand_id", "seq"])]

    def __str__(self) -> str:
        return f"{self.seq} {self.verb}"


class ChainHead(models.Model):
    """One row: the last sequence number and hash, the lock appenders queue on."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.seq}"
