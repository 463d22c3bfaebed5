"""The one redactor of public copies: real-looking order texts in English, German, French."""

from __future__ import annotations

import pytest

from dueprocess.redaction import redact, strip_placeholders

GERMAN = (
    "Der Nutzer @aylin.koch (aylin.koch@example.com, +49 151 2345 6789) beleidigt in dem "
    "Beitrag https://demo.social/aylin.koch/posts/17 Frau Dr. Sabine Wolf und den Nutzer "
    "Max Weber; Strafbarkeit nach § 185 StGB, Az. 3 Js 1234/25, vom 2025-03-11.")
ENGLISH = (
    "The user janedoe_88 (Jane Doe, jane.doe@mail.example.org, (202) 555-0143) posted at "
    "demo.social/janedoe/posts/1 threats against Mr. John Smith; see also www.demo.social/"
    "janedoe. Offence: 18 U.S.C. 875(c), case 2:25-cr-00417, filed 2025-01-07.")
FRENCH = (
    "L'utilisateur Jean-Luc Martin (@jl_martin, 06 12 34 56 78, jl.martin@orange.example) "
    "a publié sur https://demo.social/jl_martin/posts/9 des propos visant Mme Claire Dubois; "
    "infraction prévue à l'article 222-17 du code pénal, parquet de Paris, réf. 25/123.")


@pytest.mark.parametrize(("text", "private", "kept"), [
    (GERMAN, ["aylin.koch", "@aylin", "2345 6789", "Sabine Wolf", "Max Weber", "/posts/17"],
     ["§ 185 StGB", "3 Js 1234/25", "2025-03-11", "beleidigt"]),
    (ENGLISH, ["janedoe", "Jane Doe", "jane.doe", "555-0143", "John Smith", "/posts/1"],
     ["18 U.S.C. 875(c)", "2025-01-07", "threats"]),
    (FRENCH, ["Jean-Luc Martin", "jl_martin", "12 34 56 78", "orange.example",
              "Claire Dubois", "/posts/9"],
     ["article 222-17", "parquet de Paris", "25/123"]),
])
def test_order_texts_lose_their_personal_data(text: str, private: list[str],
                                              kept: list[str]) -> None:
    for mode in ("host", "all"):
        out = redact(text, urls=mode).text  # type: ignore[arg-type]
        for value in private:
            assert value not in out, (mode, value, out)
        for value in kept:
            assert value in out, (mode, value, out)


def test_urls_keep_the_host_for_publications_and_lose_it_for_the_dsa_database() -> None:
    text = "Remove https://demo.social/janedoe/posts/1 and demo.social/janedoe."
    assert redact(text).text == "Remove https://demo.social/[redacted] and demo.social/[redacted]."
    assert redact(text, urls="all").text == "Remove [redacted] and [redacted]."


def test_words_after_user_that_are_not_names_stay() -> None:
    text = "The user posted it; users were warned; der Nutzer hat es gelöscht."
    assert redact(text).text == text


def test_library_placeholders_are_removed() -> None:
    assert strip_placeholders(
        "National law of the issuing court (cite the provision on the demand)") == \
        "National law of the issuing court"
