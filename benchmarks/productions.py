"""Production packages: sealing and opening a large disclosure as a stream.

    python benchmarks/productions.py [--mb 256] [--runs 3]

A spooled export of ``--mb`` MiB (half incompressible bytes, half CSV-like text, as login
records are) is packaged the way a disclosure is: ZIP (deflate) written straight into the
AES-256-GCM chunk stream, then opened again and hashed as a download would be. Printed side
by side, in the same run (best of ``--runs``, MiB/s of plain data, peak Python memory):

* ``seal``: ZIP + encryption into the package file (the production's build, minus the DB row);
* ``open``: decryption of the package file, chunk by chunk (what a download streams);
* ``reference: same zip``: the same ZIP written to a plain file, no encryption: what the
  encryption costs;
* ``reference: zip deflating everything``: a naive ZIP that deflates incompressible bytes
  too (dueprocess stores them as they are);
* ``reference: copy + sha256``: reading and hashing the files once and copying them: the
  floor any packaging must pay.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="dueprocess-bench-productions-"))
os.environ.setdefault("DUEPROCESS_HOME", str(HOME))
os.environ.setdefault("DUEPROCESS_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from dueprocess.connectors.base import CHUNK, Export  # noqa: E402
from dueprocess.execution import productions  # noqa: E402


def _spool(folder: Path, mib: int) -> Export:
    binary, text = folder / "attachments.bin", folder / "logins.csv"
    row = b"2020-07-01T09:14:52Z,203.0.113.17,Mozilla/5.0 (iPhone; CPU iPhone OS 13_5)\n"
    with binary.open("wb") as fh:
        for _ in range(mib // 2):
            fh.write(os.urandom(1024 * 1024))
    with text.open("wb") as fh:
        block = row * (1024 * 1024 // len(row))
        for _ in range(mib - mib // 2):
            fh.write(block)
    return Export(paths={"attachments.bin": binary, "logins.csv": text})


def _measure(work: Callable[[], None]) -> tuple[float, int]:
    tracemalloc.start()
    began = time.perf_counter()
    work()
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = HOME / "work"
    work.mkdir()
    export = _spool(work, args.mb)
    size = sum(p.stat().st_size for p in export.paths.values())
    names = export.names()
    manifest = b'{"files": []}\n'
    created = timezone.now()
    relative = "bench/package.dpp"
    plain_zip = work / "plain.zip"

    def seal() -> None:
        productions._seal_package(relative, export, names, manifest, b"sig", created, 1, 1)

    def open_() -> None:
        path = Path(productions.settings.DUEPROCESS.productions_dir) / relative
        sha = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in productions._open_chunks(fh, 1, 1):
                sha.update(chunk)

    def zip_only() -> None:
        with plain_zip.open("wb") as out:
            productions.write_zip(out, export, names, manifest, b"sig", created)

    def deflate_all() -> None:
        with zipfile.ZipFile(plain_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                with export.open(name) as src, \
                        zf.open(productions._zip_info(name, created), "w",
                                force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK)

    def copy_hash() -> None:
        for name in names:
            sha = hashlib.sha256()
            with export.open(name) as src, (work / f"copy-{name}").open("wb") as dst:
                while chunk := src.read(CHUNK):
                    sha.update(chunk)
                    dst.write(chunk)

    rows = []
    for label, fn in (("seal (zip + AES-GCM stream)", seal),
                      ("open (AES-GCM stream, hashed)", open_),
                      ("reference: same zip, no encryption", zip_only),
                      ("reference: zip deflating everything", deflate_all),
                      ("reference: copy + sha256", copy_hash)):
        best, peak = min(_measure(fn) for _ in range(args.runs))
        rows.append((label, best, size / best / 2**20, peak / 2**20))
    package = Path(productions.settings.DUEPROCESS.productions_dir) / relative
    print(f"export {size / 2**20:.0f} MiB (half random, half CSV text); package "
          f"{package.stat().st_size / 2**20:.0f} MiB; best of {args.runs}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'step':<38} {'seconds':>8} {'MiB/s':>8} {'peak MiB':>9}")
    for label, seconds, rate, peak in rows:
        print(f"{label:<38} {seconds:>8.2f} {rate:>8.0f} {peak:>9.1f}")
    shutil.rmtree(HOME, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
