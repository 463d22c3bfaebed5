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


class SigningKey(models.Model):
    """One of the installation's Ed25519 keys, shared by every host.

    The private key is sealed with AES-256-GCM under a key derived from the key secret
    (``DUEPROCESS_KEY_SECRET``, else the secret key); the public key is kept plain so that
    anyone with database access can verify without being able to sign.
    """

    name = models.CharField(max_length=40, unique=True)
    public_pem = models.TextField()
    fingerprint = models.CharField(max_length=64)
    sealed_private = models.BinaryField()
    secret_id = models.CharField(max_length=16, help_text="Which secret sealed it")
    origin = models.CharField(max_length=200, help_text="generated, or the file imported")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.fingerprint[:16]}"
