"""Checking a production package: what an authority runs on what it downloaded.

No Django and nothing of a dueprocess installation here: ``dueprocess production verify
FILE --public-key platform.pem`` works on any machine with the package installed, because
the party that checks a package is usually not the one that made it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHUNK = 1024 * 1024


def load_public_key(key: Ed25519PublicKey | bytes | str) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    raw = key.encode() if isinstance(key, str) else key
    if len(raw) == 32:
        return Ed25519PublicKey.from_public_bytes(raw)
    loaded = serialization.load_pem_public_key(raw)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


@dataclass
class Verification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def _check(manifest: bytes | None, signature: bytes | None,
           key: Ed25519PublicKey | bytes | str) -> Verification:
    if manifest is None or signature is None:
        return Verification(False, [f"{MANIFEST} or {SIGNATURE} is missing"])
    try:
        load_public_key(key).verify(signature, manifest)
    except InvalidSignature:
        return Verification(False, ["the signature does not match the manifest and key"])
    except ValueError as exc:
        return Verification(False, [f"unusable public key: {exc}"])
    try:
        parsed = json.loads(manifest)
        if not all(isinstance(e, dict) and isinstance(e.get("name"), str)
                   for e in parsed["files"]):
            raise TypeError("files")
    except (ValueError, KeyError, TypeError):
        return Verification(False, ["the manifest is not a production manifest"])
    return Verification(True, manifest=parsed)


def verify_package(files: dict[str, bytes], public_key: Ed25519PublicKey | bytes | str) -> bool:
    """True only if the signature holds and the files are exactly those in the manifest."""
    result = _check(files.get(MANIFEST), files.get(SIGNATURE), public_key)
    if not result.ok:
        return False
    listed = result.manifest["files"]
    expected = {entry["name"]: entry for entry in listed}
    data = {n: b for n, b in files.items() if n not in (MANIFEST, SIGNATURE)}
    if set(data) != set(expected) or len(expected) != len(listed):
        return False
    return all(
        len(data[name]) == entry.get("size")
        and hashlib.sha256(data[name]).hexdigest() == entry.get("sha256")
        for name, entry in expected.items()
    )


_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = 20
_EOCD64 = 56


def _framing_problem(fh: IO[bytes]) -> str | None:
    """Bytes before the first entry or after the end record make another file that still
    unpacks the same: a package is exactly the ZIP dueprocess wrote, nothing around it."""
    fh.seek(0, 2)
    size = fh.tell()
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return "no ZIP end record"
    record = tail[at:at + 22]
    comment_len = int.from_bytes(record[20:22], "little")
    if at + 22 + comment_len != len(tail):
        return "bytes follow the ZIP end record (the file was appended to)"
    if comment_len:
        return "the ZIP carries a comment, which no package has (the file was altered)"
    cd_size = int.from_bytes(record[12:16], "little")
    cd_offset = int.from_bytes(record[16:20], "little")
    end_at = size - len(tail) + at
    if cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF:
        end_at -= _EOCD64_LOCATOR + _EOCD64  # ZIP64: its own end record sits before
        fh.seek(end_at)
        record64 = fh.read(_EOCD64)
        if record64[:4] != b"PK\x06\x06":
            return "the ZIP64 end record is not where it belongs"
        cd_size = int.from_bytes(record64[40:48], "little")
        cd_offset = int.from_bytes(record64[48:56], "little")
    if cd_offset + cd_size != end_at:
        return "bytes precede the ZIP's entries or sit between them (the file was altered)"
    return None


def verify_zip(path: Path | str | IO[bytes],
               public_key: Ed25519PublicKey | bytes | str) -> Verification:
    """Check a downloaded package file, reading each member as a stream."""
    try:
        if isinstance(path, (str, Path)):
            with open(path, "rb") as fh:
                framing = _framing_problem(fh)
        else:
            framing = _framing_problem(path)
            path.seek(0)
        if framing is not None:
            return Verification(False, [framing])
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return Verification(False, [f"not a readable ZIP file: {exc}"])
    with zf:
        names = zf.namelist()
        if len(names) != len(set(names)):
            return Verification(False, ["the ZIP holds two members with the same name"])
        result = _check(zf.read(MANIFEST) if MANIFEST in names else None,
                        zf.read(SIGNATURE) if SIGNATURE in names else None, public_key)
        if not result.ok:
            return result
        expected = {e["name"]: e for e in result.manifest["files"]}
        present = set(names) - {MANIFEST, SIGNATURE}
        for extra in sorted(present - set(expected)):
            result.problems.append(f"{extra}: not listed in the manifest")
        for name, entry in sorted(expected.items()):
            if name not in present:
                result.problems.append(f"{name}: listed but missing")
                continue
            sha, size = hashlib.sha256(), 0
            try:
                with zf.open(name) as member:
                    while chunk := member.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                # a member changed in place fails its CRC before its hash can
                result.problems.append(f"{name}: damaged, cannot be read ({exc})")
                continue
            if size != entry.get("size") or sha.hexdigest() != entry.get("sha256"):
                result.problems.append(f"{name}: content differs from the manifest")
        result.ok = not result.problems
        return result
