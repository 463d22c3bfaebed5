"""List versions: import, diff, atomic switch, refusal of bad files, the index cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dueprocess.audit.models import AuditEvent
from dueprocess.errors import InvalidInput
from dueprocess.sanctions import actions, service
from dueprocess.sanctions.models import ListVersion, StoredEntry
from dueprocess.screening import Query
from tests.sanctions.conftest import BASE, LEE, LI_KWAI_WAH, TANG, write_ofac

pytestmark = pytest.mark.django_db

UN_XML = Path(__file__).resolve().parents[1] / "data/reference/sanctions/un_consolidated.xml"


def _find(name: str) -> list[str]:
    return [h.entry.entry_id for h in service.search(Query(name), threshold=0.85)]


def test_import_stores_a_version_in_force_and_logs_it(ofac: Callable[..., Any]) -> None:
    outcome = ofac()
    version = outcome.version
    assert version.active and version.list_id == "us_ofac_sdn"
    assert version.entry_count == len(BASE) == version.entries.count()
    assert version.format == "ofac_csv" and version.source == "sdn.csv, alt.csv, add.csv"
    assert len(version.sha256) == 64
    stored = version.entries.get(entry_id=TANG)
    assert stored.name == "TANG, Chris" and "TANG, Ping-keung" in stored.data["names"]
    assert stored.data["programmes"] == ["HK-EO13936"]
    event = AuditEvent.objects.get(verb="sanctions.list_imported")
    assert event.payload["version"] == version.pk and event.payload["entries"] == len(BASE)
    assert outcome.previous is None
    assert _find("TANG Ping-keung") == [TANG]


def test_new_version_switches_whole_and_reports_the_diff(ofac: Callable[..., Any]) -> None:
    first = ofac().version

    def rename_lee(row: list[str]) -> list[str]:
        if row[0] == LEE:
            row[4] = "Chief Executive of the Hong Kong Special Administrative Region"
        return row

    ids = [i for i in BASE if i != "36"] + [LI_KWAI_WAH]
    second = ofac(ids, edit=rename_lee)
    first.refresh_from_db()
    assert not first.active and second.version.active
    assert ListVersion.objects.filter(list_id="us_ofac_sdn", active=True).count() == 1
    d = second.diff
    assert [e.entry_id for e in d.added] == [LI_KWAI_WAH]
    assert [e.entry_id for e in d.removed] == ["36"]
    assert [new.entry_id for _old, new in d.changed] == [LEE]
    assert second.version.diff == {"added": 1, "removed": 1, "changed": 1,
                                   "against": first.pk}
    assert "1 added, 1 removed, 1 changed" in second.describe()
    # screening follows the version in force at once
    assert _find("LI Kwai-wah") == [LI_KWAI_WAH]
    assert _find("AEROCARIBBEAN AIRLINES") == []


def test_the_same_file_again_changes_nothing(ofac: Callable[..., Any], tmp_path: Path) -> None:
    folder = write_ofac(tmp_path / "same", BASE)
    first = actions.import_list(folder)
    again = actions.import_list(folder)
    assert again.unchanged and again.version.pk == first.version.pk
    assert ListVersion.objects.count() == 1
    assert "nothing changed" in again.describe()


@pytest.mark.parametrize("content, why", [
    (b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>'
     b"<DATAID>1</DATAID><FIRST_NAME>X", "truncated"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
     b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>',
     "unsafe"),
    (b"just some text\nthat is no list\n", "cannot tell"),
])
def test_a_malformed_file_is_refused_and_the_version_in_force_stays(
        ofac: Callable[..., Any], tmp_path: Path, content: bytes, why: str) -> None:
    in_force = ofac().version
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        actions.import_list(bad)
    assert why in err.value.message and "version in force stays" in err.value.message
    assert list(ListVersion.objects.values_list("pk", "active")) == [(in_force.pk, True)]
    assert _find("TANG Ping-keung") == [TANG]


def test_a_csv_whose_every_row_is_malformed_is_refused(ofac: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    in_force = ofac().version
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "sdn.csv").write_text('29242,"TANG, Chris","individual"\r\n' * 3)
    with pytest.raises(InvalidInput) as err:
        actions.import_list(folder / "sdn.csv", format="ofac_csv")
    assert "no entry could be read" in err.value.message
    assert "3 skipped: 3 wrong column count" in err.value.message
    assert ListVersion.objects.get().pk == in_force.pk


def test_a_list_that_shrinks_by_half_looks_truncated_unless_forced(
        ofac: Callable[..., Any]) -> None:
    ofac()
    with pytest.raises(InvalidInput, match="looks truncated"):
        ofac([TANG, LEE])
    assert ListVersion.objects.filter(active=True).get().entry_count == len(BASE)
    forced = ofac([TANG, LEE], force=True)
    assert forced.version.active and forced.version.entry_count == 2


def test_a_failure_while_storing_leaves_the_previous_version_in_force(
        ofac: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    in_force = ofac().version
    monkeypatch.setattr(actions, "BATCH", 2)
    real = StoredEntry.objects.bulk_create
    calls = []

    def crash_on_second_batch(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(StoredEntry.objects, "bulk_create", crash_on_second_batch)
    with pytest.raises(OSError, match="disk full"):
        ofac([*BASE, LI_KWAI_WAH])
    assert list(ListVersion.objects.values_list("pk", "active")) == [(in_force.pk, True)]
    assert StoredEntry.objects.count() == len(BASE)
    assert not AuditEvent.objects.filter(verb="sanctions.list_imported",
                                         payload__entries=len(BASE) + 1).exists()
    assert _find("LI Kwai-wah") == []


def test_entries_of_old_versions_are_pruned_but_their_rows_stay(
        ofac: Callable[..., Any]) -> None:
    v1 = ofac().version
    v2 = ofac([*BASE, LI_KWAI_WAH]).version
    v3 = ofac(BASE).version
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.entries_pruned and not v1.entries.exists()
    assert not v2.entries_pruned and v2.entries.count() == len(BASE) + 1
    assert v3.active and v3.diff["removed"] == 1


def test_other_processes_load_the_signed_index_pickle(
        ofac: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    ofac()
    pickles = list(service.cache_dir().glob("index-*.pickle"))
    assert len(pickles) == 1
    service._cached = None  # as in a fresh worker process

    def no_rebuild(*args: Any) -> Any:
        raise AssertionError("the index was rebuilt instead of loaded")

    monkeypatch.setattr(service.ScreeningIndex, "build", no_rebuild)
    assert _find("李家超") == [LEE]


def test_a_tampered_pickle_is_not_loaded_but_rebuilt(ofac: Callable[..., Any]) -> None:
    ofac()
    path = next(service.cache_dir().glob("index-*.pickle"))
    blob = path.read_bytes()
    path.write_bytes(blob[:32] + b"\x80\x04N." + blob[36:])  # the signature no longer fits
    service._cached = None
    assert _find("TANG Ping-keung") == [TANG]
    assert service._read_pickle(service._cached.key) is not None  # rewritten, signed


def test_an_ofac_set_without_its_alias_file_is_refused_unless_allowed(
        ofac: Callable[..., Any], tmp_path: Path) -> None:
    in_force = ofac().version
    folder = write_ofac(tmp_path / "partial", [*BASE, LI_KWAI_WAH])
    (folder / "alt.csv").unlink()
    with pytest.raises(InvalidInput) as err:
        actions.import_list(folder)
    assert "not whole" in err.value.message and "alt.csv (aliases)" in err.value.message
    assert ListVersion.objects.get(active=True).pk == in_force.pk
    assert _find("TANG Ping-keung") == [TANG]
    partial = actions.import_list(folder, allow_partial=True)
    assert partial.version.active
    event = AuditEvent.objects.filter(verb="sanctions.list_imported").latest("pk")
    assert event.payload["incomplete"] == ["alt.csv (aliases) is missing from the OFAC set"]


@pytest.mark.parametrize("name", ["sdn.csv", "alt.csv", "add.csv"])
def test_a_file_cut_mid_row_is_refused_with_its_line(
        ofac: Callable[..., Any], tmp_path: Path, name: str) -> None:
    in_force = ofac().version
    folder = write_ofac(tmp_path / "cut", [*BASE, LI_KWAI_WAH])
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) - 25])
    with pytest.raises(InvalidInput) as err:
        actions.import_list(folder)
    assert f"{name}, line " in err.value.message and "truncated" in err.value.message
    assert "version in force stays" in err.value.message
    assert ListVersion.objects.get(active=True).pk == in_force.pk


def test_a_version_records_its_publication_date(ofac: Callable[..., Any]) -> None:
    version = ofac().version
    assert version.published is not None and version.age_days is not None
    un = actions.import_list(UN_XML).version
    assert un.published is not None and un.published.isoformat() == "2026-02-27"
