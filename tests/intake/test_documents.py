"""Documents: PDF by content, size-limited, hashed, stored outside the web root, all or nothing."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from dueprocess import blobstore
from dueprocess.accounts.models import ApiToken
from dueprocess.audit.models import AuditEvent
from dueprocess.demands.models import Demand, Document
from dueprocess.intake.documents import TooLarge, documents_root, spool
from tests.intake.conftest import make_pdf

pytestmark = pytest.mark.django_db


def upload(client: Any, demand: Demand, name: str, data: bytes) -> Any:
    return client.client.post(f"/api/v1/demands/{demand.pk}/documents",
                              {"file": _named(name, data)}, headers=client._headers())


def _named(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def stored_files(demand: Demand) -> list[Path]:
    folder = documents_root() / str(demand.pk)
    return sorted(folder.glob("*")) if folder.exists() else []


def incoming_left() -> list[Path]:
    return list(blobstore.scratch_dir().glob("*.part"))


def test_a_pdf_is_stored_by_hash_without_execute_bits(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    data = make_pdf(pages=2)
    r = upload(api_as(officer), open_demand, "warrant.pdf", data)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data)
    (path,) = stored_files(open_demand)
    assert path.name == f"{body['sha256']}.pdf"
    assert path.read_bytes() == data
    assert not path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    assert AuditEvent.objects.filter(demand_id=open_demand.pk, verb="document.added").exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("order.pdf", b"<html><body>totally a pdf</body></html>", "not a PDF"),
    ("order.pdf", b"%PDF-1.7\n this is not really a PDF at all", "cannot be read as one"),
    ("order.pdf", b"MZ\x90\x00" + b"\x00" * 200, "Windows program"),
    ("order.pdf", b"", "empty"),
])
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_stays(
        api_as: Any, officer: Any, open_demand: Demand, name: str, data: bytes,
        message: str) -> None:
    r = upload(api_as(officer), open_demand, name, data)
    assert r.status_code == 415, r.content
    assert message in r.json()["error"]["message"]
    assert r.json()["error"]["code"] == "unsupported_media_type"
    assert not Document.objects.exists()
    assert stored_files(open_demand) == [] and incoming_left() == []


def test_a_zip_bomb_is_refused_without_being_unpacked(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.pdf", b"\x00" * (50 * 1024 * 1024))  # 50 MiB of zeros, ~50 KiB zipped
    assert len(buf.getvalue()) < 200_000
    r = upload(api_as(officer), open_demand, "bomb.pdf", buf.getvalue())
    assert r.status_code == 415
    assert "ZIP archive" in r.json()["error"]["message"]


def test_a_two_gigabyte_upload_is_refused_by_its_declared_length_unread(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    _, raw = ApiToken.issue(officer)
    # The body is small; if anything tried to read 2 GB of it the test client would fail.
    r = Client().generic("POST", f"/api/v1/demands/{open_demand.pk}/documents",
                         b"--x--\r\n", content_type="multipart/form-data; boundary=x",
                         headers={"Authorization": f"Bearer {raw}"},
                         CONTENT_LENGTH=str(2 * 1024 ** 3))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert not Document.objects.exists()


def test_the_size_limit_applies_to_honest_uploads_too(
        api_as: Any, officer: Any, open_demand: Demand, settings: Any) -> None:
    settings.DUEPROCESS_DOCUMENT_MAX_BYTES = 2000
    r = upload(api_as(officer), open_demand, "big.pdf", make_pdf(pages=30))
    assert r.status_code == 413


def test_streaming_stops_at_the_limit_and_leaves_no_partial_file() -> None:
    def endless() -> Any:
        while True:
            yield b"\x00" * 65536

    with pytest.raises(TooLarge):
        spool(endless(), limit=1_000_000, name="x.pdf")
    assert incoming_left() == []


def test_the_same_document_twice_is_a_conflict(
        api_as: Any, officer: Any, open_demand: Demand) -> None:
    client = api_as(officer)
    data = make_pdf()
    assert upload(client, open_demand, "a.pdf", data).status_code == 201
    again = upload(client, open_demand, "b.pdf", data)
    assert again.status_code == 409
    assert Document.objects.count() == 1


def test_another_authority_cannot_attach_or_read(
        api_as: Any, officer_of: Any, hk_police: Any, officer: Any,
        open_demand: Demand) -> None:
    other = api_as(officer_of(hk_police))
    assert upload(other, open_demand, "a.pdf", make_pdf()).status_code == 404
    mine = api_as(officer)
    doc = upload(mine, open_demand, "a.pdf", make_pdf()).json()
    assert other.get(f"/demands/{open_demand.pk}/documents/{doc['id']}").status_code == 404


def test_download_is_an_audited_attachment(api_as: Any, officer: Any,
                                           open_demand: Demand) -> None:
    client = api_as(officer)
    data = make_pdf()
    doc = upload(client, open_demand, "warrant.pdf", data).json()
    r = client.get(f"/demands/{open_demand.pk}/documents/{doc['id']}")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == data
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(verb="demand.viewed",
                                     payload__what=f"document:{doc['id']}").exists()


def test_documents_live_under_the_home(settings: Any) -> None:
    assert documents_root() == settings.DUEPROCESS.home / "documents"
    assert str(documents_root()).startswith(str(settings.DUEPROCESS.home))


def test_a_closed_demand_takes_no_documents(api_as: Any, officer: Any,
                                            open_demand: Demand) -> None:
    Demand.objects.filter(pk=open_demand.pk).update(status="withdrawn")
    assert upload(api_as(officer), open_demand, "a.pdf", make_pdf()).status_code == 409


_ = settings
