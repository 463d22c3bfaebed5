"""Look-alike domains are caught three ways; real domains and their subdomains never are."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.errors import InvalidInput
from dueprocess.intake.verification import (
    find_lookalike,
    mixed_scripts,
    normalise_domain,
    parse_address,
    skeleton,
)

REGISTRY = ["fbi.gov", "ic.fbi.gov", "police.gov.hk", "justice.fr", "bka.bund.de"]
CYRILLIC_I = "\u0456"


def lookalike(raw: str) -> tuple[str, str] | None:
    found = find_lookalike(normalise_domain(raw), REGISTRY, raw=raw)
    return (found.verified, found.reason) if found else None


@pytest.mark.parametrize("domain", ["fbi.gov", "mail.fbi.gov", "ic.fbi.gov", "FBI.GOV.",
                                    "example.org", "gmail.com", "bka.bund.de"])
def test_verified_domains_their_subdomains_and_unrelated_ones_are_not_lookalikes(
        domain: str) -> None:
    assert lookalike(domain) is None


def test_a_cyrillic_letter_in_a_latin_domain_is_a_homoglyph() -> None:
    assert lookalike(f"fb{CYRILLIC_I}.gov") == ("fbi.gov", "homoglyph")
    assert mixed_scripts(f"fb{CYRILLIC_I}.gov") == ["CYRILLIC", "LATIN"]


def test_the_same_domain_in_punycode_is_named_as_such() -> None:
    assert normalise_domain("xn--fb-ioc.gov") == f"fb{CYRILLIC_I}.gov"
    assert lookalike("xn--fb-ioc.gov") == ("fbi.gov", "punycode")


@pytest.mark.parametrize(("domain", "reason"), [
    ("fib.gov", "edit_distance"), ("fbl.gov", "edit_distance"),
    ("justlce.fr", "edit_distance"), ("po1ice.gov.hk", "homoglyph"),
    ("fbi-gov.us", "embedded"), ("police.gov.hk.example.net", "embedded"),
])
def test_typos_digits_and_embedded_names_are_caught(domain: str, reason: str) -> None:
    found = lookalike(domain)
    assert found is not None and found[1] == reason


def test_skeleton_maps_ascii_tricks_and_homoglyphs_to_what_a_reader_sees() -> None:
    assert skeleton("rnicrosoft.com") == skeleton("microsoft.com")
    assert skeleton(f"p{CYRILLIC_I}ng") == "ping"


def test_a_ten_thousand_character_domain_is_refused_with_its_length() -> None:
    with pytest.raises(InvalidInput, match="longer than 253"):
        normalise_domain("a" * 10_000 + ".com")


def test_addresses_are_parsed_from_display_forms_and_lowercased() -> None:
    assert parse_address('"FBI" <M.Hill@FBI-gov.us>') == ("m.hill@fbi-gov.us", "fbi-gov.us")
    with pytest.raises(InvalidInput):
        parse_address("not an address")
    with pytest.raises(InvalidInput):
        parse_address("a@b.com, c@d.com")


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@given(sub=labels, base=st.sampled_from(REGISTRY))
def test_no_subdomain_of_a_verified_domain_is_ever_a_lookalike(sub: str, base: str) -> None:
    assert find_lookalike(f"{sub}.{base}", REGISTRY) is None
