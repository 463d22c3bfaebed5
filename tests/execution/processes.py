"""Real `dueprocess worker` processes for tests: their environment and their logs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection

REPO = Path(__file__).resolve().parents[2]
HEARTBEAT = 0.5


def worker_home(tmp_path: Path) -> Path:
    """Where a worker process finds this test's database (SQLite) and keeps its files."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        assert name.name == "dueprocess.sqlite3", "tests/settings.py sets a file test DB"
        return name.parent
    return tmp_path / "worker-home"


def worker_env(settings: Any, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUEPROCESS_", "DJANGO_",
                                                                    "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="dueprocess.settings", DUEPROCESS_MODE="test",
               DUEPROCESS_HOME=str(home), DUEPROCESS_SECRET_KEY=settings.DUEPROCESS.secret_key,
               DUEPROCESS_NOTICE_PERIOD_DAYS="0", PYTHONPATH=str(REPO))
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:"
                               f"{s['PORT'] or 5432}/{s['NAME']}")
    env.update(extra)
    return env


class Worker:
    """A `dueprocess worker` process; its log goes to a file shown when it fails."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dueprocess", "worker", "--heartbeat", str(HEARTBEAT),
                 "--interval", "0.1", *args], env=env, cwd=REPO,
                stdout=subprocess.DEVNULL, stderr=out)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def finish(self, timeout: float) -> None:
        assert self.proc.wait(timeout=timeout) == 0, self.output()
