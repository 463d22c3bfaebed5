"""`dueprocess serve` stops on SIGTERM; commands refuse a broken installation in one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DUEPROCESS_MODE", "DATABASE_URL",
                        "DUEPROCESS_CACHE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(DUEPROCESS_HOME=str(home), DUEPROCESS_MODE="production",
               DUEPROCESS_SECRET_KEY="k" * 50, **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_serve_answers_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dueprocess", "serve", "--port", str(port)],
            env=_env(tmp_path / "home"), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        body = b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert body == b"ok\n", log.read_text()
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        took = time.monotonic() - stopping
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert took < 10
    assert not _port_open(port)


def _run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dueprocess", *args], env=_env(home, **env),
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("command", "env", "expected"), [
    ("migrate", {"DATABASE_URL": "mysql://dp:hunter2@db.internal/dp"},
     "dueprocess: DATABASE_URL mysql://dp:***@db.internal/dp: the scheme must be postgres://"),
    ("worker", {"DATABASE_URL": "postgres://dp:hunter2@db.internal:port/dp"},
     "dueprocess: DATABASE_URL postgres://dp:***@db.internal:port/dp: not a valid URL"),
    ("migrate", {"DATABASE_URL": "postgres://dp:hunter2@127.0.0.1:1/dp"},
     "dueprocess: DATABASE_URL postgres://dp:***@127.0.0.1:1/dp: cannot connect: "),
    ("serve", {"DUEPROCESS_CACHE_URL": "redis://:hunter2@127.0.0.1:1/0"},
     "dueprocess: DUEPROCESS_CACHE_URL redis://:***@127.0.0.1:1/0: cannot connect: "),
    ("worker", {"DUEPROCESS_STORAGE_URL": "s3://evidence/prod?endpoint_url=http://127.0.0.1:1",
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "hunter2"},
     "dueprocess: DUEPROCESS_STORAGE_URL s3://evidence/prod: cannot reach the bucket: "),
])
def test_a_broken_setting_stops_a_command_in_one_line(
        tmp_path: Path, command: str, env: dict[str, str], expected: str) -> None:
    result = _run(tmp_path, command, **env)
    assert result.returncode == 2
    assert result.stderr.startswith(expected), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_a_home_that_cannot_hold_data_stops_a_command_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("a file where the data folder should be")
    result = _run(home, "worker")
    assert result.returncode == 2
    assert result.stderr.startswith(f"dueprocess: DUEPROCESS_HOME {home}: not writable: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_limits_and_names_set_in_the_environment_reach_the_code_that_uses_them(
        tmp_path: Path) -> None:
    script = ("import django; django.setup()\n"
              "from dueprocess.intake import documents\nfrom dueprocess.web import limits\n"
              "from dueprocess.transparency import dsa\n"
              "print(documents.max_document_bytes(), limits.rate_for('read'),"
              " limits.rate_for('write'), dsa.default_provider(), sep='|')\n")
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="dueprocess.settings",
               DUEPROCESS_DOCUMENT_MAX_BYTES="4096", DUEPROCESS_RATE_LIMITS="read=5",
               DUEPROCESS_PROVIDER_NAME="Example Platform Ltd")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.stdout.strip() == "4096|5|600|Example Platform Ltd", result.stderr
