"""Settings that are not the execution's: outgoing mail, and what a bad value says."""

from __future__ import annotations

import pytest

from dueprocess.config import ConfigError, SmtpSettings, StorageSettings, load

BASE = {"DUEPROCESS_MODE": "production", "DUEPROCESS_SECRET_KEY": "k" * 50,
        "DUEPROCESS_HOME": "/nonexistent-home"}


def test_mail_goes_to_the_local_relay_unless_told_otherwise() -> None:
    assert load(BASE).smtp == SmtpSettings(host="localhost", port=25)


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://relay.internal", SmtpSettings(host="relay.internal", port=25)),
    ("smtp+starttls://legal%40platform.example:p%40ss@mail.example:2525",
     SmtpSettings(host="mail.example", port=2525, user="legal@platform.example",
                  password="p@ss", security="starttls")),
    ("smtps://u:pw@mail.example", SmtpSettings(host="mail.example", port=465, user="u",
                                               password="pw", security="ssl")),
])
def test_an_smtp_url_sets_host_port_credentials_and_tls(url: str,
                                                       expected: SmtpSettings) -> None:
    assert load({**BASE, "DUEPROCESS_SMTP_URL": url}).smtp == expected


@pytest.mark.parametrize(("url", "message"), [
    ("http://mail.example", "must start with smtp://"),
    ("smtp://:secret@", "names no host"),
    ("smtps://u:secret@mail.example:tls", "not a number"),
])
def test_a_bad_smtp_url_is_refused_without_echoing_it(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load({**BASE, "DUEPROCESS_SMTP_URL": url})
    assert "secret" not in str(caught.value)


def test_the_password_never_shows_in_a_repr() -> None:
    smtp = load({**BASE, "DUEPROCESS_SMTP_URL": "smtps://u:hunter2@mail.example"}).smtp
    assert "hunter2" not in repr(smtp)


def test_files_stay_in_the_home_unless_a_storage_url_is_given() -> None:
    config = load(BASE)
    assert config.storage is None
    assert config.signing_key_secret == "k" * 50


def test_a_storage_url_names_bucket_prefix_endpoint_and_region() -> None:
    config = load({**BASE, "DUEPROCESS_KEY_SECRET": "s" * 40, "DUEPROCESS_STORAGE_URL":
                   "s3://legal-evidence/prod/eu?endpoint_url=https://s3.internal:9000"
                   "&region=eu-central-1&addressing_style=path"})
    assert config.storage == StorageSettings(
        bucket="legal-evidence", prefix="prod/eu", endpoint_url="https://s3.internal:9000",
        region="eu-central-1", addressing_style="path")
    assert config.signing_key_secret == "s" * 40
    assert "s" * 40 not in repr(config)


@pytest.mark.parametrize(("url", "message"), [
    ("file:///srv/evidence", "must start with s3://"),
    ("s3://AKIA:secret@bucket/x", "must not hold credentials"),
    ("s3:///prefix", "names no bucket"),
    ("s3://bucket/x?endpoint=https://s3.example", "unknown parameter"),
    ("s3://bucket/x?endpoint_url=s3.example", "http"),
    ("s3://bucket/a/../b", "prefix"),
])
def test_a_bad_storage_url_is_refused_without_echoing_it(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load({**BASE, "DUEPROCESS_STORAGE_URL": url})
    assert "secret" not in str(caught.value)
