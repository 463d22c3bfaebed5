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


def test_each_offered_language_is_declared_once_its_interface_is_translated() -> None:
    for language in ("en", "de", "zh-hant"):
        with translation.override(language):
            assert interface_language() == language


def test_a_language_without_the_interface_stays_declared_english(
        settings: Any, tmp_path: Path) -> None:
    # French: Django itself is translated, our pages are not.
    with translation.override("fr"):
        assert interface_language() == "en"
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n",
               f"{INTERFACE}\x04{SKIP_LINK}": "Aller au contenu principal"}
    _write_mo(tmp_path / "fr" / "LC_MESSAGES" / "django.mo", catalog)
    settings.LOCALE_PATHS = [str(tmp_path)]  # Django drops its cached catalogs
    with translation.override("fr"):
        assert interface_language() == "fr"


@pytest.mark.django_db
def test_a_german_browser_gets_a_german_page_declared_german(client: Client) -> None:
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in html
    assert "Anmelden" in html and "Zum Hauptinhalt springen" in html


@pytest.mark.django_db
def test_a_chinese_browser_gets_a_chinese_page(client: Client) -> None:
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-Hant-HK,zh;q=0.8").content.decode()
    assert '<html lang="zh-hant">' in html
    assert "跳至主要內容" in html
