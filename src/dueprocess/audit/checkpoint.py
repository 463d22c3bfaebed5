"""Signed checkpoints of the chain head: truncation becomes detectable from outside.

The hash chain proves that the events present were not altered, but someone who controls
the database can delete the newest events and rewind the chain-head row, leaving a shorter
chain that verifies. A checkpoint is the head (sequence number and hash) signed with the
installation's Ed25519 audit key and kept *outside* the system: by an auditor, a regulator,
a notary, in a public repository. Verifying the chain against a checkpoint then fails if the
event it names is gone or has a different hash.

The audit key is separate from the production-signing key on purpose: whoever may sign
production packages need not be able to attest to the log, and either key can be rotated
alone.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.db import transaction

from dueprocess.audit import signing_keys
from dueprocess.audit.chain import Progress, VerifyResult, head, record, verify
from dueprocess.audit.models import AuditEvent

FORMAT = "dueprocess-audit-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint file that is malformed, or whose signature does not verify."""


def signing_key() -> Ed25519PrivateKey:
    """The installation's audit key, shared by every host, created once."""
    return signing_keys.load_or_create(signing_keys.CHECKPOINT, CheckpointError)


def public_key() -> Ed25519PublicKey:
    return signing_keys.public_key(signing_keys.CHECKPOINT, CheckpointError)


def public_pem(key: Ed25519PublicKey | None = None) -> bytes:
    return signing_keys.public_pem(key or public_key())


fingerprint = signing_keys.fingerprint


def _signed_bytes(body: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create(now: datetime | None = None) -> dict[str, Any]:
    """A signed statement of the current chain head."""
    key = signing_key()  # first, so that the key's creation event is inside the checkpoint
    seq, digest = head()
    last_at = (AuditEvent.objects.filter(seq=seq).values_list("at", flat=True).first()
               if seq else None)
    body: dict[str, Any] = {
        "format": FORMAT,
        "seq": seq,
        "hash": digest,
        "event_at": _utc(last_at) if last_at else None,
        "created_at": _utc(now or datetime.now(UTC)),
        "public_key": base64.b64encode(signing_keys.raw(key.public_key())).decode("ascii"),
        "key_fingerprint": fingerprint(key.public_key()),
    }
    body["signature"] = base64.b64encode(key.sign(_signed_bytes(body))).decode("ascii")
    return body


def dumps(checkpoint: dict[str, Any]) -> str:
    return json.dumps(checkpoint, indent=2, sort_keys=True) + "\n"


def load_public_key(pem_or_raw: bytes) -> Ed25519PublicKey:
    try:
        if pem_or_raw.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(pem_or_raw)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(pem_or_raw))
    except ValueError as exc:
        raise CheckpointError(f"not an Ed25519 public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    created_at: str
    key_fingerprint: str


def parse(text: str | bytes, trusted: Ed25519PublicKey | None = None) -> Checkpoint:
    """Read and authenticate a checkpoint.

    With ``trusted`` (the public key the auditor kept), the checkpoint must be signed by it;
    without, it must be signed by this installation's audit key, so a checkpoint forged with
    a key of the forger's choosing is refused either way.
    """
    try:
        body = json.loads(text)
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise CheckpointError(f"not a {FORMAT} file")
        seq, digest = body["seq"], body["hash"]
        if (not isinstance(seq, int) or seq < 0 or not isinstance(digest, str)
                or len(digest) != 64):
            raise CheckpointError("the checkpoint's seq or hash is malformed")
        embedded = Ed25519PublicKey.from_public_bytes(base64.b64decode(body["public_key"]))
        signature = base64.b64decode(body["signature"])
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError(f"malformed checkpoint: {exc}") from None
    expected = trusted or public_key()
    if signing_keys.raw(embedded) != signing_keys.raw(expected):
        raise CheckpointError("the checkpoint was signed with another key "
                              f"(fingerprint {fingerprint(embedded)[:16]}…)")
    try:
        expected.verify(signature, _signed_bytes(body))
    except InvalidSignature:
        raise CheckpointError("the checkpoint's signature does not verify: it was "
                              "altered after signing") from None
    return Checkpoint(seq=seq, hash=digest, created_at=str(body.get("created_at", "")),
                      key_fingerprint=fingerprint(expected))


def verify_against(checkpoint: Checkpoint, progress: Progress | None = None) -> VerifyResult:
    """Verify the chain, then require the checkpointed event to be there, unchanged."""
    result = verify(progress)
    if not result.ok:
        return result
    if checkpoint.seq == 0:
        return result
    if result.checked < checkpoint.seq:
        return VerifyResult(
            False, result.checked, result.checked + 1,
            f"the log was truncated: the checkpoint of {checkpoint.created_at} attests "
            f"{checkpoint.seq} events but only {result.checked} remain")
    stored = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True)
    if stored.first() != checkpoint.hash:
        return VerifyResult(
            False, result.checked, checkpoint.seq,
            f"event {checkpoint.seq} differs from the checkpoint of {checkpoint.created_at}: "
            "the history up to it was rewritten")
    return result


def record_export(body: dict[str, Any], *, actor: str) -> None:
    """Handing a checkpoint out is itself audited (who may later hold us to it)."""
    with transaction.atomic():
        record("audit.checkpoint_exported", actor=actor,
               payload={"seq": body["seq"], "hash": body["hash"],
                        "key_fingerprint": body["key_fingerprint"]})
