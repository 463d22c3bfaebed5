"""`dueprocess lists import|show` and `dueprocess screen` as an operator uses them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dueprocess.cli import main
from dueprocess.sanctions.models import ListVersion
from tests.sanctions.conftest import BASE, LI_KWAI_WAH, TANG, write_ofac

pytestmark = pytest.mark.django_db


def test_lists_import_prints_the_report_and_the_diff(tmp_path: Path, capsys: Any) -> None:
    assert main(["lists", "import", str(write_ofac(tmp_path / "v1", BASE))]) == 0
    out = capsys.readouterr().out
    assert "us_ofac_sdn: version #" in out and "in force: 7 entries" in out
    assert "first version of this list" in out

    v2 = write_ofac(tmp_path / "v2", [i for i in BASE if i != "36"] + [LI_KWAI_WAH])
    assert main(["lists", "import", str(v2 / "sdn.csv"), "--format", "ofac_csv"]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 removed, 0 changed" in out
    assert f"{LI_KWAI_WAH}  LI, Kwai-wah [HK-EO13936]" in out
    assert "36  AEROCARIBBEAN AIRLINES [CUBA]" in out

    assert main(["lists", "show"]) == 0
    shown = capsys.readouterr().out
    assert "us_ofac_sdn" in shown and "in force" in shown and "+1 -1 ~0" in shown
    assert "previous" not in shown
    assert main(["lists", "show", "--all"]) == 0
    assert "previous" in capsys.readouterr().out


def test_lists_import_refuses_a_malformed_file_and_keeps_the_version(
        tmp_path: Path, capsys: Any) -> None:
    assert main(["lists", "import", str(write_ofac(tmp_path / "v1", BASE))]) == 0
    in_force = ListVersion.objects.get()
    bad = tmp_path / "consolidated.xml"
    bad.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIV')
    capsys.readouterr()
    assert main(["lists", "import", str(bad)]) == 2
    captured = capsys.readouterr()
    assert "truncated" in captured.err and "version in force stays" in captured.err
    assert captured.out == ""
    assert list(ListVersion.objects.values_list("pk", "active")) == [(in_force.pk, True)]
    assert main(["lists", "import", str(tmp_path / "missing.csv")]) == 2
    assert "no file" in capsys.readouterr().err


def test_screen_prints_ranked_hits_with_explanations(tmp_path: Path, capsys: Any) -> None:
    assert main(["screen", "鄧炳強"]) == 1
    assert "no sanctions list is loaded" in capsys.readouterr().err
    main(["lists", "import", str(write_ofac(tmp_path / "v1", BASE))])
    capsys.readouterr()

    assert main(["screen", "鄧炳強", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("鄧炳強: 1 alert(s) at 0.85 against us_ofac_sdn")
    assert f"ALERT us_ofac_sdn {TANG} TANG, Chris [HK-EO13936]" in lines[1]
    assert "alias 'TANG, Ping-keung'" in lines[2]

    assert main(["screen", "Chris Tang", "--dob", "1981-02-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    top = data["hits"][0]
    assert top["entry_id"] == TANG and top["alert"] is False
    assert "birth date differs" in top["explanation"]

    assert main(["screen", "Xinjiang Public Security Bureau", "--schema", "Organization",
                 "--threshold", "0.85"]) == 0
    assert "XINJIANG PUBLIC SECURITY BUREAU" in capsys.readouterr().out
    assert main(["screen", "TANG", "--dob", "someday"]) == 2
    assert "birth date" in capsys.readouterr().err


def test_lists_show_warns_when_the_list_in_force_is_old(
        tmp_path: Path, capsys: Any, settings: Any) -> None:
    assert main(["lists", "import", str(write_ofac(tmp_path / "v1", BASE))]) == 0
    capsys.readouterr()
    version = ListVersion.objects.get(active=True)
    version.published = date(2021, 1, 5)
    version.save(update_fields=["published"])
    settings.DUEPROCESS_LIST_MAX_AGE_DAYS = 30
    assert main(["lists", "show"]) == 0
    shown = capsys.readouterr()
    assert "2021-01-05" in shown.out
    assert "us_ofac_sdn in force was published" in shown.err and "limit 30 days" in shown.err
    assert main(["screen", "TANG Ping-keung"]) == 0
    screened = capsys.readouterr()
    assert "published 2021-01-05" in screened.out.splitlines()[0]
    assert "us_ofac_sdn in force was published" in screened.err
    settings.DUEPROCESS_LIST_MAX_AGE_DAYS = 100_000
    assert main(["lists", "show"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_lists_import_of_a_partial_set_needs_the_flag_and_warns(
        tmp_path: Path, capsys: Any) -> None:
    folder = write_ofac(tmp_path / "v1", BASE)
    (folder / "add.csv").unlink()
    assert main(["lists", "import", str(folder)]) != 0
    assert "add.csv (addresses) is missing" in capsys.readouterr().err
    assert not ListVersion.objects.exists()
    assert main(["lists", "import", str(folder), "--allow-partial"]) == 0
    assert "warning: the list in force is not whole" in capsys.readouterr().err
    assert ListVersion.objects.get(active=True).entry_count == len(BASE)
