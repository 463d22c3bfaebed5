"""One spelling per target, and a reason with a line number for every line that fails."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.demands.identifiers import BadTarget, normalise_identifier, normalise_url
from dueprocess.intake.normalise import BadLine, Entry, NotText, read_entries


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTP://Demo.Social:80/alice/posts/3?utm_source=x&b=2&fbclid=abc#frag",
     "https://demo.social/alice/posts/3?b=2"),
    ("https://demo.social:443/a/./b/../c", "https://demo.social/a/c"),
    ("demo.social/alice/posts/1", "https://demo.social/alice/posts/1"),
    ("https://bücher.de/x", "https://xn--bcher-kva.de/x"),
    ("https://x.example/%7ealice?q=%2f", "https://x.example/~alice?q=%2F"),
    ("https://x.example/p?gclid=1&utm_campaign=y&ID=7", "https://x.example/p?ID=7"),
    ("https://x.example:8443/", "https://x.example:8443/"),
    ("https://[::1]/x", "https://[::1]/x"),
])
def test_urls_are_normalised(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("https://" + "a" * 10_000 + ".com/", "10,004 characters long"),
    ("ftp://x.example/a", "scheme 'ftp'"),
    ("https://user:pw@x.example/", "user name or password"),
    ("https://x.example:99999/", "cannot be read"),
    ("https://x.exa mple/", "spaces or control"),
    ("https://-bad-.example/", "not a valid domain"),
])
def test_bad_urls_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(BadTarget, match=message):
        normalise_url(raw)


def test_handles_are_lower_case_with_one_at_sign() -> None:
    assert normalise_identifier("account", "@@Alice") == "@alice"
    assert normalise_identifier("account", "Bob") == "bob"
    with pytest.raises(BadTarget):
        normalise_identifier("account", "two words")


def test_a_csv_with_a_header_mixed_types_and_bad_rows() -> None:
    data = (b"type,identifier\naccount,@Alice\ncontent,https://demo.social/a/posts/1?utm_x=1\n"
            b"\n\xffoo\n,\nbogus,x\n")
    items = read_entries(data)
    assert [i for i in items if isinstance(i, Entry)] == [
        Entry(2, "account", "@alice"), Entry(3, "content", "https://demo.social/a/posts/1")]
    bad = {i.line: i.message for i in items if isinstance(i, BadLine)}
    assert set(bad) == {5, 6, 7}
    assert "not UTF-8" in bad[5]
    assert "neither account nor content" in bad[7]


def test_mixed_encodings_keep_the_utf8_lines_and_name_the_others() -> None:
    data = "https://demo.social/straße\n".encode() + "https://demo.social/café\n".encode(
        "latin-1") + "@日本\n".encode()
    items = read_entries(data)
    assert [i.line for i in items if isinstance(i, Entry)] == [1, 3]
    assert [i.line for i in items if isinstance(i, BadLine)] == [2]


def test_utf16_files_with_a_bom_are_read() -> None:
    items = read_entries(codecs.BOM_UTF16_LE + "@alice\r\n@bob\r\n".encode("utf-16-le"))
    assert [i.identifier for i in items if isinstance(i, Entry)] == ["@alice", "@bob"]


@pytest.mark.parametrize(("blob", "kind"), [
    (b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"), (b"\x1f\x8b\x08\x00", "gzip"),
    (b"%PDF-1.7\n", "PDF"), (b"abc\x00def", "binary"),
])
def test_archives_and_binaries_are_refused_whole(blob: bytes, kind: str) -> None:
    with pytest.raises(NotText, match=kind):
        read_entries(blob)


def test_blank_lines_yield_nothing() -> None:
    assert read_entries(b"\n \r\n\t\n" * 100_000) == []


def test_an_overlong_line_is_one_error_and_the_next_line_still_counts() -> None:
    items = read_entries(b"x" * 40_000 + b"\n@ok\n")
    assert isinstance(items[0], BadLine) and items[0].line == 1
    assert items[1] == Entry(2, "account", "@ok")


hosts = st.from_regex(r"[a-z][a-z0-9]{0,10}\.(com|org|social)", fullmatch=True)
paths = st.lists(st.from_regex(r"[A-Za-z0-9_~.-]{1,8}", fullmatch=True), max_size=4)


@settings(max_examples=40)
@given(host=hosts, path=paths, tracking=st.booleans())
def test_normalising_twice_changes_nothing(host: str, path: list[str], tracking: bool) -> None:
    url = f"HTTP://{host.upper()}/{'/'.join(path)}" + ("?utm_source=a&fbclid=b" if tracking
                                                       else "")
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert "utm_" not in once and "fbclid" not in once
