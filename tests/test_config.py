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


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u:secret@db/dp", "DATABASE_URL mysql://u:\\*\\*\\*@db/dp: the scheme must be"),
    ("db.internal:5432/dp", "DATABASE_URL db.internal:5432/dp: the scheme must be"),
    ("postgres://u:secret@db:port/dp", "DATABASE_URL postgres://u:\\*\\*\\*@db:port/dp: not a"),
    ("postgres://u:secret@db:5432/", "DATABASE_URL postgres://u:\\*\\*\\*@db:5432/: names no"),
])
def test_a_database_url_django_cannot_use_is_refused_at_once(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load({**BASE, "DATABASE_URL": url})
    assert "secret" not in str(caught.value)


def test_limits_and_names_come_from_the_environment() -> None:
    conf = load({**BASE, "DUEPROCESS_DOCUMENT_MAX_BYTES": "1000",
                 "DUEPROCESS_VERIFY_MAX_BYTES": "2000",
                 "DUEPROCESS_RATE_LIMITS": "read=10, upload=0",
                 "DUEPROCESS_PROVIDER_NAME": "Example Ltd", "DUEPROCESS_SERVICE_NAME": "Ex"})
    assert conf.limits == {"DUEPROCESS_DOCUMENT_MAX_BYTES": 1000,
                           "DUEPROCESS_VERIFY_MAX_BYTES": 2000,
                           "DUEPROCESS_RATE_LIMITS": {"read": 10, "upload": 0}}
    assert (conf.provider_name, conf.service_name) == ("Example Ltd", "Ex")
    assert load(BASE).limits == {}


@pytest.mark.parametrize(("env", "message"), [
    ({"DUEPROCESS_TARGETS_MAX_BYTES": "1e6"}, "DUEPROCESS_TARGETS_MAX_BYTES must be a positive"),
    ({"DUEPROCESS_RATE_LIMITS": "reads=5"}, "DUEPROCESS_RATE_LIMITS must read like"),
    ({"DUEPROCESS_LOG_FORMAT": "xml"}, "DUEPROCESS_LOG_FORMAT must be json or text"),
])
def test_a_bad_limit_or_log_format_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load({**BASE, **env})


def test_logs_are_json_in_production_and_text_elsewhere_unless_told() -> None:
    assert load(BASE).log_format == "json"
    assert load({**BASE, "DUEPROCESS_MODE": "test"}).log_format == "text"
    assert load({**BASE, "DUEPROCESS_LOG_FORMAT": "text"}).log_format == "text"


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


def test_the_establishment_is_a_member_state_with_optional_others() -> None:
    config = load({**BASE, "DUEPROCESS_ESTABLISHMENT": "ie",
                   "DUEPROCESS_OTHER_ESTABLISHMENTS": "DE, fr,IE"})
    assert config.establishment.main == "IE"
    assert config.establishment.others == ("DE", "FR")
    assert config.establishment.member_state == "IE"
    assert load(BASE).establishment.member_state == ""
    represented = load({**BASE, "DUEPROCESS_LEGAL_REPRESENTATIVE": "NL"}).establishment
    assert represented.member_state == "NL"


@pytest.mark.parametrize(("env", "message"), [
    ({"DUEPROCESS_ESTABLISHMENT": "US"}, "DUEPROCESS_ESTABLISHMENT must be the ISO code"),
    ({"DUEPROCESS_ESTABLISHMENT": "IE", "DUEPROCESS_LEGAL_REPRESENTATIVE": "NL"}, "not both"),
    ({"DUEPROCESS_ESTABLISHMENT": "IE", "DUEPROCESS_OTHER_ESTABLISHMENTS": "DE,CH"},
     "'CH'"),
    ({"DUEPROCESS_OTHER_ESTABLISHMENTS": "DE"}, "needs DUEPROCESS_ESTABLISHMENT"),
])
def test_a_bad_establishment_is_refused_at_start(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load({**BASE, **env})


def test_the_member_states_agree_with_the_law_library() -> None:
    from dueprocess.config import EU_MEMBER_STATES
    from dueprocess.law.regions import EU_MEMBER_STATES as LIBRARY_MEMBER_STATES

    assert EU_MEMBER_STATES == LIBRARY_MEMBER_STATES


def test_dsa_submission_is_scheduled_only_with_a_token() -> None:
    plain = load(BASE)
    assert plain.dsa_api_url == "https://transparency.dsa.ec.europa.eu/api/v1/"
    assert plain.dsa_submit_every_minutes == 60 and not plain.dsa_submission_scheduled
    conf = load({**BASE, "DUEPROCESS_DSA_API_TOKEN": " secret-token ",
                 "DUEPROCESS_DSA_API_URL": "http://127.0.0.1:9000/api/v1",
                 "DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES": "15"})
    assert conf.dsa_api_token == "secret-token" and "secret-token" not in repr(conf)
    assert conf.dsa_api_url == "http://127.0.0.1:9000/api/v1/"
    assert conf.dsa_submit_every_minutes == 15 and conf.dsa_submission_scheduled
    off = load({**BASE, "DUEPROCESS_DSA_API_TOKEN": "t",
                "DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES": "0"})
    assert not off.dsa_submission_scheduled


@pytest.mark.parametrize("env, message", [
    ({"DUEPROCESS_DSA_API_URL": "ftp://db.example/"}, "not an http"),
    ({"DUEPROCESS_DSA_API_URL": "http://db.example/api/v1/"}, "https in production"),
    ({"DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES": "hourly"}, "number of minutes"),
    ({"DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES": "-5"}, "number of minutes"),
])
def test_a_bad_dsa_setting_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load({**BASE, **env})


def test_the_emergency_response_target_is_hours_and_may_be_off() -> None:
    assert load(BASE).emergency_response_hours == 1
    assert load({**BASE, "DUEPROCESS_EMERGENCY_RESPONSE_HOURS": "4"}).emergency_response_hours == 4
    assert load({**BASE, "DUEPROCESS_EMERGENCY_RESPONSE_HOURS": "0"}).emergency_response_hours == 0
    with pytest.raises(ConfigError, match="number of hours"):
        load({**BASE, "DUEPROCESS_EMERGENCY_RESPONSE_HOURS": "soon"})
