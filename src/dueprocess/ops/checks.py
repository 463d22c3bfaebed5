"""Can this process do its work? The same checks answer ``/readyz`` and stop a command at
start-up with one line that names the setting at fault."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dueprocess.config import Config, redact_url
from dueprocess.demands.hooks import unsubscribed


class CheckFailed(Exception):
    """A dependency is missing; ``setting`` names what the operator should look at."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


def _conf() -> Config:
    conf: Config = settings.DUEPROCESS
    return conf


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _database_setting() -> str:
    conf = _conf()
    if conf.database_url:
        return f"DATABASE_URL {redact_url(conf.database_url)}"
    return f"DUEPROCESS_HOME {conf.home} (SQLite)"


def check_storage() -> None:
    """The data folder exists and takes a new file (documents, productions, SQLite)."""
    home = _conf().home
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".ready-"):
            pass
    except OSError as exc:
        reason = exc.strerror or _first_line(exc)
        raise CheckFailed(f"DUEPROCESS_HOME {home}", f"not writable: {reason}") from exc


def check_shared_storage() -> None:
    """The bucket every host keeps documents and productions in answers (when one is set):
    a bounded HEAD of the bucket, so a dead endpoint fails in seconds."""
    s3 = _conf().storage
    if s3 is None:
        return
    import boto3
    from botocore.config import Config as BotoConfig

    setting = f"DUEPROCESS_STORAGE_URL s3://{s3.bucket}/{s3.prefix}".rstrip("/")
    client = boto3.client(
        "s3", endpoint_url=s3.endpoint_url or None, region_name=s3.region or None,
        config=BotoConfig(connect_timeout=3, read_timeout=3, retries={"max_attempts": 1},
                          s3={"addressing_style": s3.addressing_style or "auto"}))
    try:
        client.head_bucket(Bucket=s3.bucket)
    except Exception as exc:  # botocore raises many kinds; each means "not ready"
        raise CheckFailed(setting, f"cannot reach the bucket: {_first_line(exc)}") from exc


def check_database() -> None:
    from django.db import Error

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Error as exc:
        raise CheckFailed(_database_setting(), f"cannot connect: {_first_line(exc)}") from exc


_migrated = False


def check_migrations() -> None:
    """No migration of this release is missing from the database (remembered once true:
    new migrations only come with new code, hence a new process)."""
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:3])
        more = f" and {len(plan) - 3} more" if len(plan) > 3 else ""
        raise CheckFailed(_database_setting(),
                          f"{len(plan)} migration(s) not applied ({names}{more}); "
                          "run `dueprocess migrate`")
    _migrated = True


def check_cache() -> None:
    """The shared Redis cache answers, when one is configured."""
    url = _conf().cache_url
    if not url:
        return
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise CheckFailed(f"DUEPROCESS_CACHE_URL {redact_url(url)}",
                          f"cannot connect: {_first_line(exc)}") from exc


READINESS: dict[str, Callable[[], None]] = {
    "storage": check_storage,
    "shared_storage": check_shared_storage,
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
}


def readiness() -> dict[str, str]:
    """Every check's outcome by name: ``ok`` or the reason it failed."""
    results: dict[str, str] = {}
    for name, check in READINESS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "not checked: no database"
            continue
        try:
            check()
        except CheckFailed as exc:
            results[name] = str(exc)
        else:
            results[name] = "ok"
    return results


def preflight() -> None:
    """Raise :class:`CheckFailed` for the first dependency a command cannot start without
    (storage first: an unwritable folder also keeps SQLite from opening)."""
    check_hooks()
    check_storage()
    check_shared_storage()
    check_database()
    check_cache()


def check_hooks() -> None:
    """The installation is whole: every hook of the case file has a subscriber."""
    missing = unsubscribed()
    if missing:
        raise CheckFailed("INSTALLED_APPS", f"no installed package subscribes to the "
                          f"case file's hook(s) {', '.join(missing)}")
