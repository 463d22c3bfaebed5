"""Typed runtime configuration, read once from the environment.

Everything deployment-specific enters through here so that the rest of the code never
touches ``os.environ`` and a misconfiguration fails at start-up with one clear message.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

Mode = Literal["production", "demo", "test"]
MODES: tuple[Mode, ...] = ("production", "demo", "test")
DEMO_MARKER = "DEMO"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable installation."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    security: Literal["", "starttls", "ssl"] = ""


SMTP_SCHEMES = {"smtp": "", "smtp+starttls": "starttls", "smtps": "ssl"}


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp://host:25``, ``smtp+starttls://user:password@host:587`` or
    ``smtps://user:password@host:465``; user and password percent-encoded."""
    parts = urlsplit(url)
    if parts.scheme not in SMTP_SCHEMES:
        raise ConfigError("DUEPROCESS_SMTP_URL must start with smtp://, smtp+starttls:// or "
                          "smtps://")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError("DUEPROCESS_SMTP_URL has a port that is not a number") from exc
    if not parts.hostname:
        raise ConfigError("DUEPROCESS_SMTP_URL names no host")
    security = SMTP_SCHEMES[parts.scheme]
    return SmtpSettings(host=parts.hostname,
                        port=port or {"": 25, "starttls": 587, "ssl": 465}[security],
                        user=unquote(parts.username or ""),
                        password=unquote(parts.password or ""),
                        security=security)  # type: ignore[arg-type]


@dataclass(frozen=True)
class StorageSettings:
    """An S3-compatible bucket; credentials come from the standard AWS variables."""

    bucket: str
    prefix: str = ""
    endpoint_url: str = ""
    region: str = ""
    addressing_style: str = ""


STORAGE_PARAMETERS = ("endpoint_url", "region", "addressing_style")


def parse_storage_url(url: str) -> StorageSettings:
    """``s3://bucket/prefix?endpoint_url=https://s3.example:9000&region=eu-central-1``."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ConfigError("DUEPROCESS_STORAGE_URL must start with s3:// (leave it unset to "
                          "keep files in DUEPROCESS_HOME)")
    if parts.username or parts.password:
        raise ConfigError("DUEPROCESS_STORAGE_URL must not hold credentials: set "
                          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead")
    if not parts.netloc or ":" in parts.netloc:
        raise ConfigError("DUEPROCESS_STORAGE_URL names no bucket (s3://bucket/prefix)")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(STORAGE_PARAMETERS))
    if unknown:
        raise ConfigError(f"DUEPROCESS_STORAGE_URL has unknown parameter(s) "
                          f"{', '.join(unknown)}; known: {', '.join(STORAGE_PARAMETERS)}")
    values = {k: v[-1] for k, v in query.items()}
    endpoint = values.get("endpoint_url", "")
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigError("DUEPROCESS_STORAGE_URL: endpoint_url must be an http(s) URL")
    if values.get("addressing_style", "") not in ("", "path", "virtual", "auto"):
        raise ConfigError("DUEPROCESS_STORAGE_URL: addressing_style is path, virtual or auto")
    prefix = unquote(parts.path).strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise ConfigError("DUEPROCESS_STORAGE_URL: the prefix has an empty, . or .. part")
    return StorageSettings(bucket=parts.netloc, prefix=prefix, endpoint_url=endpoint,
                           region=values.get("region", ""),
                           addressing_style=values.get("addressing_style", ""))


#: The 27 Member States (ISO 3166-1, and "EL" for Greece); kept here because configuration
#: sits below the law library, and checked against ``law.regions`` by a test.
EU_MEMBER_STATES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})


@dataclass(frozen=True)
class Establishment:
    """Where the platform is established in the Union (DSA Art. 56; TCO Art. 4).

    ``main``: the Member State of the main establishment. ``legal_representative``: the
    Member State where the legal representative of a provider without an establishment in
    the Union resides (DSA Art. 13), which then counts as the provider's State.
    ``others``: Member States of other establishments; recorded, they widen no order.
    """

    main: str = ""
    legal_representative: str = ""
    others: tuple[str, ...] = ()

    @property
    def member_state(self) -> str:
        return self.main or self.legal_representative


def _member_state(env: Mapping[str, str], name: str) -> str:
    code = env.get(name, "").strip().upper()
    if code and code not in EU_MEMBER_STATES:
        raise ConfigError(f"{name} must be the ISO code of an EU Member State (such as IE, NL, "
                          f"DE), not {code!r}")
    return code


def _establishment(env: Mapping[str, str]) -> Establishment:
    main = _member_state(env, "DUEPROCESS_ESTABLISHMENT")
    representative = _member_state(env, "DUEPROCESS_LEGAL_REPRESENTATIVE")
    if main and representative:
        raise ConfigError("DUEPROCESS_LEGAL_REPRESENTATIVE is for a provider without an "
                          "establishment in the Union (DSA Art. 13): set it or "
                          "DUEPROCESS_ESTABLISHMENT, not both")
    others = []
    for item in env.get("DUEPROCESS_OTHER_ESTABLISHMENTS", "").split(","):
        code = item.strip().upper()
        if not code:
            continue
        if code not in EU_MEMBER_STATES:
            raise ConfigError("DUEPROCESS_OTHER_ESTABLISHMENTS must list EU Member State codes "
                              f"separated by commas (such as DE,FR), not {item.strip()!r}")
        if code != main and code not in others:
            others.append(code)
    if others and not (main or representative):
        raise ConfigError("DUEPROCESS_OTHER_ESTABLISHMENTS needs DUEPROCESS_ESTABLISHMENT "
                          "(the main establishment)")
    return Establishment(main=main, legal_representative=representative, others=tuple(others))


@dataclass(frozen=True)
class Config:
    mode: Mode
    home: Path
    database_url: str | None
    secret_key: str
    allowed_hosts: tuple[str, ...]
    debug: bool
    email_from: str
    # Shared cache (rate-limit counters) for several web processes: redis:// or rediss://.
    cache_url: str = ""
    # Outgoing mail (letters to authorities, reminders): DUEPROCESS_SMTP_URL.
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    # Execution (connector, production keys, user notices); see docs/operations.md.
    connector: str = "dueprocess.demo.connector.DemoConnector"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_timeout: float = 10.0
    old_secret_keys: tuple[str, ...] = ()
    notice_period_days: int = 7
    # Operations: log lines as JSON objects or text; the bearer token /metrics asks for.
    log_format: Literal["json", "text"] = "text"
    metrics_token: str = field(default="", repr=False)
    # Size and rate limits (Django setting name -> value); only those set in the environment.
    limits: Mapping[str, Any] = field(default_factory=dict)
    service_name: str = ""
    provider_name: str = ""
    # Where documents, productions and e-mail originals live: "" for the home folder (one
    # host), or an S3-compatible bucket that every host reaches (DUEPROCESS_STORAGE_URL).
    storage: StorageSettings | None = None
    # Seals the signing keys kept in the database; defaults to the secret key.
    key_secret: str = field(default="", repr=False)
    # Where the platform is established in the Union: vetting limits other Member States'
    # orders to their own territory (DSA Art. 9(2)(b)).
    establishment: Establishment = field(default_factory=Establishment)
    # DSA Transparency Database: with a token, the worker's maintenance sends statements of
    # reasons every ``dsa_submit_every_minutes`` (0: only ``dueprocess dsa sor submit``).
    dsa_api_url: str = "https://transparency.dsa.ec.europa.eu/api/v1/"
    dsa_api_token: str = field(default="", repr=False)
    dsa_submit_every_minutes: int = 60
    # The platform's own answer time for an emergency request the law sets no shorter limit
    # for (a voluntary disclosure under 18 U.S.C. 2702(b)(8), say): the queue counts down to
    # it. 0: only the law's limits.
    emergency_response_hours: int = 1

    @property
    def dsa_submission_scheduled(self) -> bool:
        return bool(self.dsa_api_token) and self.dsa_submit_every_minutes > 0

    @property
    def signing_key_secret(self) -> str:
        return self.key_secret or self.secret_key

    @property
    def sqlite_path(self) -> Path:
        return self.home / "dueprocess.sqlite3"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    @property
    def productions_dir(self) -> Path:
        return self.home / "productions"


DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


def redact_url(url: str) -> str:
    """The URL without its password, fit for an error message or a log line."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rsplit("@", 1)[1]
        return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()
    except ValueError:
        return url.split("://", 1)[0] + "://…"


def check_database_url(url: str) -> None:
    """Refuse a DATABASE_URL that Django could not use, naming the setting and the reason."""
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(f"DATABASE_URL {redact_url(url)}: the scheme must be postgres:// "
                          "(or sqlite://)")
    try:
        parsed = dj_database_url.parse(url)
        urlsplit(url).port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL {redact_url(url)}: not a valid URL "
                          "(percent-encode special characters in the password)") from exc
    if not parsed.get("NAME"):
        raise ConfigError(f"DATABASE_URL {redact_url(url)}: names no database")


# Limits an operator may set (environment variable = Django setting of the same name).
LIMIT_SETTINGS = ("DUEPROCESS_DOCUMENT_MAX_BYTES", "DUEPROCESS_TARGETS_MAX_BYTES",
                  "DUEPROCESS_TARGETS_SYNC_BYTES", "DUEPROCESS_EMAIL_MAX_BYTES",
                  "DUEPROCESS_LIST_MAX_AGE_DAYS", "DUEPROCESS_VERIFY_MAX_BYTES")
RATE_BUCKETS = ("read", "write", "upload", "auth_failure", "portal")


def _limits(env: Mapping[str, str]) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    for name in LIMIT_SETTINGS:
        raw = env.get(name, "").strip()
        if raw:
            if not raw.isdigit() or int(raw) <= 0:
                unit = "days" if name.endswith("_DAYS") else "bytes"
                raise ConfigError(f"{name} must be a positive number of {unit}, not {raw!r}")
            limits[name] = int(raw)
    raw = env.get("DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) > 3660:
            raise ConfigError("DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS must be a number of days "
                              f"(0 to 3660), not {raw!r}")
        limits["DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS"] = int(raw)
    raw = env.get("DUEPROCESS_RATE_LIMITS", "").strip()
    if raw:
        rates: dict[str, int] = {}
        for item in raw.split(","):
            bucket, _, value = item.partition("=")
            bucket, value = bucket.strip(), value.strip()
            if bucket not in RATE_BUCKETS or not value.isdigit():
                raise ConfigError("DUEPROCESS_RATE_LIMITS must read like read=1200,write=600 "
                                  f"(buckets: {', '.join(RATE_BUCKETS)}; 0 turns one off), "
                                  f"not {item.strip()!r}")
            rates[bucket] = int(value)
        limits["DUEPROCESS_RATE_LIMITS"] = rates
    return limits


def default_home() -> Path:
    return Path.home() / ".dueprocess"


def _secret_from_home(home: Path) -> str:
    """Demo and test installs keep a generated key beside their data, never in the repo."""
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    home = Path(env.get("DUEPROCESS_HOME") or default_home()).expanduser().resolve()
    # A home made by `dueprocess demo` stays a demo home for later `serve` and `worker` runs.
    implied = "demo" if (home / DEMO_MARKER).exists() else "production"
    mode = env.get("DUEPROCESS_MODE") or implied
    if mode not in MODES:
        raise ConfigError(f"DUEPROCESS_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    database_url = env.get("DATABASE_URL") or None
    if database_url:
        check_database_url(database_url)
    secret = env.get("DUEPROCESS_SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise ConfigError(
                "DUEPROCESS_SECRET_KEY is required in production "
                "(set DUEPROCESS_MODE=demo for a local trial)"
            )
        secret = _secret_from_home(home)
    hosts = tuple(
        h.strip() for h in env.get("DUEPROCESS_ALLOWED_HOSTS", "").split(",") if h.strip()
    ) or ("127.0.0.1", "localhost")
    cache_url = env.get("DUEPROCESS_CACHE_URL", "").strip()
    if cache_url and cache_url.split("://", 1)[0] not in ("redis", "rediss"):
        # The URL may hold a password: never echo it.
        raise ConfigError("DUEPROCESS_CACHE_URL must be a redis:// or rediss:// URL")
    log_format = env.get("DUEPROCESS_LOG_FORMAT", "").strip() or (
        "json" if mode == "production" else "text")
    if log_format not in ("json", "text"):
        raise ConfigError(f"DUEPROCESS_LOG_FORMAT must be json or text, not {log_format!r}")
    return Config(
        mode=mode,
        home=home,
        database_url=database_url,
        secret_key=secret,
        allowed_hosts=hosts,
        debug=env.get("DUEPROCESS_DEBUG", "") == "1",
        email_from=env.get("DUEPROCESS_EMAIL_FROM", "legal-process@localhost"),
        cache_url=cache_url,
        smtp=parse_smtp_url(env["DUEPROCESS_SMTP_URL"]) if env.get("DUEPROCESS_SMTP_URL")
        else SmtpSettings(),
        log_format=log_format,  # type: ignore[arg-type]
        metrics_token=env.get("DUEPROCESS_METRICS_TOKEN", "").strip(),
        limits=_limits(env),
        service_name=env.get("DUEPROCESS_SERVICE_NAME", "").strip(),
        provider_name=env.get("DUEPROCESS_PROVIDER_NAME", "").strip(),
        storage=parse_storage_url(env["DUEPROCESS_STORAGE_URL"].strip())
        if env.get("DUEPROCESS_STORAGE_URL", "").strip() else None,
        key_secret=env.get("DUEPROCESS_KEY_SECRET", ""),
        establishment=_establishment(env),
        **_execution(env, mode),
        **_dsa(env, mode),
        emergency_response_hours=_hours(env, "DUEPROCESS_EMERGENCY_RESPONSE_HOURS",
                                        Config.emergency_response_hours),
    )


def _hours(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 720:
        raise ConfigError(f"{name} must be a number of hours (0 to 720; 0 turns it off), "
                          f"not {raw!r}")
    return int(raw)


def _dsa(env: Mapping[str, str], mode: Mode) -> dict[str, Any]:
    """The DSA Transparency Database fields of ``Config``: endpoint, token, interval."""
    url = (env.get("DUEPROCESS_DSA_API_URL") or "").strip() or Config.dsa_api_url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"DUEPROCESS_DSA_API_URL is not an http(s) URL: {redact_url(url)!r}")
    if mode == "production" and parts.scheme != "https" and not _is_loopback(parts.hostname):
        raise ConfigError("DUEPROCESS_DSA_API_URL must use https in production")
    raw = (env.get("DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES") or "").strip()
    if raw and (not raw.isdigit() or int(raw) > 10_080):
        raise ConfigError("DUEPROCESS_DSA_SUBMIT_EVERY_MINUTES must be a number of minutes "
                          f"(0 to 10080; 0 sends only on `dsa sor submit`), not {raw!r}")
    return {"dsa_api_url": url if url.endswith("/") else url + "/",
            "dsa_api_token": (env.get("DUEPROCESS_DSA_API_TOKEN") or "").strip(),
            "dsa_submit_every_minutes": int(raw) if raw else Config.dsa_submit_every_minutes}


#: Short names for the connectors that ship with dueprocess; anything else is a dotted path.
CONNECTORS = {
    "demo": "dueprocess.demo.connector.DemoConnector",
    "webhook": "dueprocess.execution.connectors.webhook.WebhookConnector",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _execution(env: Mapping[str, str], mode: Mode) -> dict[str, Any]:
    """The execution fields of ``Config`` (connector, production keys, user notices)."""
    choice = (env.get("DUEPROCESS_CONNECTOR") or "demo").strip()
    connector = CONNECTORS.get(choice, choice).replace(":", ".")
    if "." not in connector or not all(p.isidentifier() for p in connector.split(".")):
        raise ConfigError("DUEPROCESS_CONNECTOR must be demo, webhook or the dotted path of a "
                    f"connector class (package.module.ClassName), not {choice!r}")
    url = env.get("DUEPROCESS_WEBHOOK_URL", "").strip()
    secret = env.get("DUEPROCESS_WEBHOOK_SECRET", "")
    if connector == CONNECTORS["webhook"]:
        if not url or not secret:
            raise ConfigError("DUEPROCESS_CONNECTOR=webhook needs DUEPROCESS_WEBHOOK_URL and "
                        "DUEPROCESS_WEBHOOK_SECRET")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"DUEPROCESS_WEBHOOK_URL is not an http(s) URL: {url!r}")
        if (mode == "production" and parts.scheme != "https"
                and not _is_loopback(parts.hostname)):
            raise ConfigError("DUEPROCESS_WEBHOOK_URL must use https in production")
        if len(secret) < 32:
            raise ConfigError("DUEPROCESS_WEBHOOK_SECRET must be at least 32 characters")
    try:
        timeout = float(env.get("DUEPROCESS_WEBHOOK_TIMEOUT") or 10)
        period = int(env.get("DUEPROCESS_NOTICE_PERIOD_DAYS") or 7)
    except ValueError as exc:
        raise ConfigError(f"a numeric execution setting is not a number: {exc}") from exc
    if timeout <= 0 or period < 0:
        raise ConfigError("DUEPROCESS_WEBHOOK_TIMEOUT must be > 0 and "
                    "DUEPROCESS_NOTICE_PERIOD_DAYS >= 0")
    old = tuple(k.strip() for k in env.get("DUEPROCESS_OLD_SECRET_KEYS", "").split(",")
                if k.strip())
    return {"connector": connector, "webhook_url": url, "webhook_secret": secret,
            "webhook_timeout": timeout, "old_secret_keys": old, "notice_period_days": period}
