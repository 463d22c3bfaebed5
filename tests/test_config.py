"""Settings that are not the execution's: outgoing mail, and what a bad value says."""

from __future__ import annotations

import pytest

from dueprocess.config import ConfigError, SmtpSettings, load

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
