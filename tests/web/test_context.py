"""``<html lang>`` names the language the interface is shown in, not the one asked for."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from dueprocess.web.context import INTERFACE, SKIP_LINK, interface_language


def _write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo catalog (the format gettext reads), written without external tools."""
    path.parent.mkdir(parents=True, exist_ok=True)
    items = sorted((k.encode(), v.encode()) for k, v in messages.items())
    start = 7 * 4 + 16 * len(items)
    ids = b"".join(k + b"\0" for k, _ in items)
    strs = b"".join(v + b"\0" for _, v in items)
    table_ids, table_strs, offset = [], [], 0
    for k, _ in items:
        table_ids += [len(k), start + offset]
        offset += len(k) + 1
    offset = 0
    for _, v in items:
        table_strs += [len(v), start + len(ids) + offset]
        offset += len(v) + 1
    header = struct.pack("7I", 0x950412DE, 0, len(items), 7 * 4, 7 * 4 + 8 * len(items), 0, 0)
    path.write_bytes(header + struct.pack(f"{2 * len(items)}I", *table_ids)
                     + struct.pack(f"{2 * len(items)}I", *table_strs) + ids + strs)


def test_english_while_only_the_letters_are_translated() -> None:
    for language in ("en", "de", "zh-hant"):
        with translation.override(language):
            assert interface_language() == "en"


def test_the_language_once_the_interface_is_translated(settings: Any, tmp_path: Path) -> None:
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n",
               f"{INTERFACE}\x04{SKIP_LINK}": "Zum Hauptinhalt springen"}
    _write_mo(tmp_path / "de" / "LC_MESSAGES" / "django.mo", catalog)
    settings.LOCALE_PATHS = [str(tmp_path)]  # Django drops its cached catalogs
    with translation.override("de"):
        assert interface_language() == "de"
    with translation.override("zh-hant"):
        assert interface_language() == "en"


@pytest.mark.django_db
def test_a_german_browser_gets_an_english_page_declared_english(client: Client) -> None:
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in html
